"""Reading officers' files: CSV, XLSX and JSON into validated records."""
