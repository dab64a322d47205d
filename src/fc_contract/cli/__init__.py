"""Layer 5, the command line: `fc-contract`, the packaged contracts through pytest (imports every layer)."""
