"""Specs made from descriptions of existing APIs: `mcpgen import openapi`."""
