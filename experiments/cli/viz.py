"""``servisim viz``: the interactive Mesa app (``app.py``) in the browser, on this machine."""

from __future__ import annotations

import argparse
import errno
import importlib.util
import os
import shutil
import socket
import sys
from pathlib import Path

from experiments.cli.options import whole_number
from experiments.errors import UsageError
from model.labels import LANGS

#: The environment variable the app reads for the language it opens in (``app_text``).
LANG_VARIABLE = "SERVISIM_APP_LANG"


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``viz`` sub-command."""
    p = sub.add_parser("viz", help="the interactive app: sliders, live charts, firms, inspector",
                       description="Start the SolaraViz app (app.py) and print its address. "
                                   "It binds to 127.0.0.1 unless --host says otherwise, and "
                                   "opens in French unless --lang en.")
    p.add_argument("--port", type=whole_number, default=8765, help="port (default 8765)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to bind (default 127.0.0.1: this machine only)")
    p.add_argument("--lang", choices=LANGS, default="fr",
                   help="language the app opens in: fr (default) or en; the FR / EN switch "
                        "in the page still changes it")
    p.set_defaults(handler=handle)


def app_path() -> Path:
    """Where the installed ``app`` module (the SolaraViz page) lives, found without importing it.

    Raises:
        UsageError: the module is not installed.

    """
    spec = importlib.util.find_spec("app")
    if spec is None or spec.origin is None:
        raise UsageError("app: the app module is not installed; run ./setup.sh")
    return Path(spec.origin)


def solara_command(port: int, host: str) -> list[str]:
    """The ``solara run`` command line for the app.

    ``--production``: no hot reload. In development mode Solara reloads every module under
    the app's folder when a file there changes, the virtualenv's too when it sits in the
    repository (``.venv``), and numpy cannot be imported twice in one process.
    """
    solara = shutil.which("solara", path=str(Path(sys.executable).parent)) or shutil.which("solara")
    head = [solara] if solara else [sys.executable, "-m", "solara"]
    return [*head, "run", str(app_path()), "--host", host, "--port", str(port), "--no-open",
            "--production"]


def check_port_free(host: str, port: int) -> None:
    """Refuse a port another program listens on, before anything is printed or started.

    Solara would only find out after the URL was printed and exit with its own traceback.

    Raises:
        UsageError: the port cannot be bound on ``host``.

    """
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        try:
            probe.bind((host, port))
        except OSError as err:
            # an unknown name, or an address of another machine: the host, not the port
            if isinstance(err, socket.gaierror) or err.errno == errno.EADDRNOTAVAIL:
                raise UsageError(f"--host: {host!r} is not a name or address of this machine "
                                 f"({err.strerror}); e.g. 127.0.0.1 or 0.0.0.0") from None
            raise UsageError(f"--port: {port} on {host} is busy ({err.strerror}); choose "
                             "another with --port N") from None


def server_env(lang: str = "fr") -> dict[str, str]:
    """The Solara server's environment: this one, the app's language, no telemetry, no badge.

    Solara's "This website runs on Solara" badge sits over the bottom right of the charts, in
    English in a French page; ``SOLARA_THEME_SHOW_BANNER`` is Solara's own switch for it.
    """
    return {**os.environ, LANG_VARIABLE: lang, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
            "SOLARA_THEME_SHOW_BANNER": "False"}


def handle(args: argparse.Namespace) -> int:
    """Become the Solara server (exec), so that Ctrl+C and kill reach it directly."""
    if not 0 < args.port < 65536:
        raise UsageError(f"--port: {args.port} is not a port number; allowed 1 to 65535")
    check_port_free(args.host, args.port)
    command = solara_command(args.port, args.host)
    print(f"servisim viz: http://{args.host}:{args.port}  (Ctrl+C to stop)", flush=True)
    os.execve(command[0], command, server_env(args.lang))
    return 0  # not reached
