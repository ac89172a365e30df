"""The reading pane: the step's text, revealed hints and the last check results."""
