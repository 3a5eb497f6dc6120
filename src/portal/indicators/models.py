"""Values of system-sourced criteria, imported from the province's shared systems."""
