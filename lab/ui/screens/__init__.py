"""Screens: the lesson list, the lesson (text | editor | results) and modal dialogs."""
