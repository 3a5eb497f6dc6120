"""Reading published score tables: files into raw rows, cell text into numbers."""
