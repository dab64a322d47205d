"""The outputs of a run: each renders the run layer's typed results, none reads another's text."""
