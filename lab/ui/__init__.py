"""The Textual app (never imports numba). Start with lab.ui.launch:main or lab.ui.app.make_app."""
