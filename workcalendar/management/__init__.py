"""Management commands of the working calendar."""
