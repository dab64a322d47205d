"""Layer 2, judging: the description, the walks and the clauses' verdicts (imports http)."""
