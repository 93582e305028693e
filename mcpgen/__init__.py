"""mcpgen: describe a ChatGPT connector in YAML; validate it, serve it as MCP, generate a project from it."""

__version__ = "0.1.0"
