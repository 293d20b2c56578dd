"""The SolaraViz page (Mesa's convention: ``solara run app.py``). Built in the app issue."""
