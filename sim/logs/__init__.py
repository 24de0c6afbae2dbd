"""A centre's own data: the ticket log and the dossier register (formats, reading, export)."""
