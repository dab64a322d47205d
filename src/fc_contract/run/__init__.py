"""The run layer: one engine per run (`engine.Run`), its typed results (`results`), no pytest."""
