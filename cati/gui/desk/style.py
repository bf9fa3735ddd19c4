"""The desk's style additions, by object name: large question text, calm colours, clear state."""

DESK_STYLE = """
QLabel#questionText { font-size: 22pt; color: #1b2733; padding: 10px 0 6px 0; }
QLabel#questionInstruction { font-size: 13pt; font-style: italic; color: #6b7785;
    border-left: 4px solid #c9d2dc; padding: 2px 0 2px 10px; }
QLabel#questionHeader { font-size: 11pt; color: #5a6878; }
QFrame#answerBox QRadioButton, QFrame#answerBox QCheckBox { font-size: 16pt; padding: 3px 0; }
QFrame#answerBox QLineEdit { font-size: 18pt; padding: 6px; }
QLabel#answerHint { font-size: 12pt; color: #6b7785; padding-left: 8px; }
QLabel#gridHead { font-size: 11pt; font-weight: 600; color: #3c4858; }
QLabel#gridItem { font-size: 14pt; }
QLabel#gridSpecial { font-size: 12pt; color: #6b7785; font-style: italic; }
QLabel#questionMessage { font-size: 14pt; color: #b03a2e; font-weight: 600; }
QLabel#saveError { font-size: 11pt; color: #8a4b00; background: #fff4e0; padding: 4px 8px; border-radius: 4px; }
QLabel#clientName { font-size: 24pt; font-weight: 600; color: #1b2733; }
QLabel#caseDetails { font-size: 12pt; color: #3c4858; }
QLabel#caseReason { font-size: 12pt; color: #2f6fb3; }
QLabel#caseLanguage, QLabel#questionLanguage { font-size: 14pt; font-weight: 600; color: #1d4f85;
    background: #e4eef9; padding: 3px 10px; border-radius: 4px; }
QLabel#languageListTitle { font-size: 14pt; font-weight: 600; color: #1b2733; }
QListWidget#languageListItems { font-size: 14pt; }
QLabel#languageListHelp { font-size: 11pt; color: #5a6878; }
QFrame#dialBox { background: white; border: 1px solid #d5dbe3; border-radius: 8px; }
QLabel#dialNumber { font-size: 34pt; font-weight: 700; color: #1b2733; letter-spacing: 2px; }
QLabel#dialHint, QLabel#otherNumbers { font-size: 12pt; color: #3c4858; }
QLabel#caseAppointment { font-size: 13pt; color: #7a4b00; background: #fff4e0; padding: 4px 8px; border-radius: 4px; }
QLabel#caseBanner { font-size: 13pt; color: #1d4f85; background: #e4eef9; padding: 6px 10px; border-radius: 4px; }
QLabel#lineState { font-size: 18pt; font-weight: 600; color: #1b2733; padding: 4px 10px; border-radius: 4px;
    background: #eef1f5; }
QLabel#lineState[line="ringing"], QLabel#lineState[line="dialling"] { color: #7a4b00; background: #fff4e0; }
QLabel#lineState[line="connected"] { color: #1e6b34; background: #e3f4e6; }
QLabel#lineState[line="ended"] { color: #3c4858; background: #eef1f5; }
QLabel#lineBar { font-size: 12pt; color: #3c4858; background: #eef1f5; padding: 4px 12px; }
QLabel#lineBar[line="problem"] { color: #8a2b1f; background: #fbe9e7; font-weight: 600; }
QLabel#lineBar[line="connected"] { color: #1e6b34; background: #e3f4e6; font-weight: 600; }
QPushButton#hangupButton { background: #b03a2e; color: white; border-color: #8a2b1f; font-size: 13pt; font-weight: 600;
    padding: 8px 18px; }
QPushButton#hangupButton:disabled { background: #e3c6c2; }
QLabel#callTimer { font-size: 20pt; font-weight: 600; color: #1b2733; padding: 0 12px; }
QLabel#sectionLabel, QLabel#outcomeTitle { font-size: 12pt; font-weight: 600; color: #3c4858; }
QLabel#outcomeMessage, QLabel#pickerMessage { color: #b03a2e; font-size: 12pt; }
QLabel#pickerTitle { font-size: 18pt; font-weight: 600; color: #1b2733; }
QLabel#pickerHelp, QLabel#queueTally { font-size: 11pt; color: #5a6878; }
QLabel#queueMessage { font-size: 14pt; color: #1d4f85; }
QPushButton[checkable="true"] { text-align: left; padding: 5px 10px; font-size: 12pt; }
QPushButton:checked { background: #2f6fb3; color: white; border-color: #1d4f85; font-weight: 600; }
QPushButton#nextButton, QPushButton#nextCase, QPushButton#recordOutcome, QPushButton#pickerConfirm,
QPushButton#dialButton, QPushButton#startInterview {
    background: #2f6fb3; color: white; border-color: #24578d; font-size: 13pt; font-weight: 600; padding: 8px 18px; }
QPushButton#dialButton:disabled, QPushButton#startInterview:disabled { background: #b8c8da; border-color: #b8c8da;
    color: #eef2f6; }
QLabel#outcomeSuggestion { font-size: 13pt; color: #1d4f85; background: #e4eef9; padding: 6px 10px; border-radius: 4px; }
QPushButton#stopButton { color: #8a2b1f; }
QProgressBar#questionProgress { border: 1px solid #c9d2dc; border-radius: 4px; background: #e9edf2; }
QProgressBar#questionProgress::chunk { background: #2f6fb3; border-radius: 4px; }
QLabel#questionProgressText { font-size: 11pt; color: #5a6878; padding-right: 8px; }
QTableView#queuesTable, QTableView#pickerDays, QTableView#pickerSlots { font-size: 13pt; }
"""
