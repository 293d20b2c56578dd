"""French typography: non-breaking spaces in the text, never in code."""

from __future__ import annotations

from experiments.report.typography import NARROW_NBSP, NBSP, french_spacing


def test_french_spacing_sets_non_breaking_spaces_in_the_text():
    html = "<p>Solidité : 95 % des « futurs » ; pourquoi ?</p>"
    assert french_spacing(html) == (f"<p>Solidité{NBSP}: 95{NBSP}% des «{NBSP}futurs{NBSP}»"
                                    f"{NARROW_NBSP}; pourquoi{NARROW_NBSP}?</p>")


def test_french_spacing_leaves_code_tags_and_attributes_alone():
    html = ('<pre>seed = 1 # a : b</pre><code>x ; y</code><p title="a : b">c : d</p>'
            '<script>if (a < b) { x = "e : f"; }</script><img alt="g : h"/>i : j')
    assert french_spacing(html) == html.replace("c : d", f"c{NBSP}: d").replace(
        "i : j", f"i{NBSP}: j")
