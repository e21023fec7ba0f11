"""The static codemod (libcst): never imports torch, never executes input."""
