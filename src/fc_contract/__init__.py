"""fc-contract: a contract-test suite for Function Compute 2.0's ListFunctionAsyncInvokeConfigs."""

__version__ = "0.1.0"
