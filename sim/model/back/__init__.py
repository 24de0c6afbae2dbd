"""The back office: dossiers after reception, their workers, and the portal's rules."""
