"""Migration knowledge as data: YAML rule packs and their loader.

Imports nothing else of mmmigrate (see DESIGN.md, "Boundaries").
"""
