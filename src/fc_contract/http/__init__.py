"""Layer 1, the wire: send a request, bounded and counted, and keep what came back (imports no other layer)."""
