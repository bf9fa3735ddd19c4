"""The questionnaire engine's file formats: the translator's spreadsheet."""
