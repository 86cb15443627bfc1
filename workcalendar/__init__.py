"""The working calendar: weekends, public holidays, day swaps and office hours."""
