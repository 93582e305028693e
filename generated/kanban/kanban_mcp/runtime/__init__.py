"""The runtime: the spec-free library that serves a connector, copied byte for byte into generated projects.

It imports nothing else of mcpgen: `mcpgen serve` compiles a spec into its objects, and a generated project
builds the same objects from constants. A fix made here lands in both.
"""
