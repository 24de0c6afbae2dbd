"""Verification and validation: the model against queueing theory (`theory`, `textbook`, `suite`)
and against the portal's published figures (`portal`)."""
