<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="nl_NL">
<context>
    <name>AdminArea</name>
    <message>
        <source>User</source>
        <translation>Gebruiker</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Naam</translation>
    </message>
    <message>
        <source>Roles</source>
        <translation>Rollen</translation>
    </message>
    <message>
        <source>Languages besides Dutch</source>
        <translation>Talen naast Nederlands</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>Uitgeschakeld</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <source>no</source>
        <translation>nee</translation>
    </message>
    <message>
        <source>Failed logins</source>
        <translation>Mislukte pogingen</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Wanneer</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Actie</translation>
    </message>
    <message>
        <source>Object</source>
        <translation>Object</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Soort</translation>
    </message>
    <message>
        <source>user name</source>
        <translation>gebruikersnaam</translation>
    </message>
    <message>
        <source>source</source>
        <translation>bron</translation>
    </message>
    <message>
        <source>User name typed</source>
        <translation>Getypte gebruikersnaam</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Bron</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Mislukt</translation>
    </message>
    <message>
        <source>Waits until</source>
        <translation>Wacht tot</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>Gebruikers</translation>
    </message>
    <message>
        <source>Disable / enable selected</source>
        <translation>Selectie uit- / inschakelen</translation>
    </message>
    <message>
        <source>Languages of the selected user besides Dutch:</source>
        <translation>Talen van de gekozen gebruiker naast Nederlands:</translation>
    </message>
    <message>
        <source>codes or names, e.g. ar, en, tr</source>
        <translation>codes of namen, bijvoorbeeld ar, en, tr</translation>
    </message>
    <message>
        <source>Set languages</source>
        <translation>Talen opslaan</translation>
    </message>
    <message>
        <source>Cases in a language go only to interviewers who speak it; a change counts from their next login.</source>
        <translation>Zaken in een taal gaan alleen naar interviewers die die taal spreken; een wijziging geldt vanaf de volgende keer inloggen.</translation>
    </message>
    <message>
        <source>Add user</source>
        <translation>Gebruiker toevoegen</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>Gebruikersnaam</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>Volledige naam</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Wachtwoord</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Toevoegen</translation>
    </message>
    <message>
        <source>Export audit trail…</source>
        <translation>Audittrail exporteren…</translation>
    </message>
    <message>
        <source>After failed logins a user name must wait at the computer it was typed at, and a computer that tried many names waits for every name. Clearing lets them try again at once.</source>
        <translation>Na mislukte pogingen wacht een gebruikersnaam op de computer waar hij is ingetypt, en een computer die veel namen probeerde wacht voor elke naam. Wissen laat ze meteen opnieuw proberen.</translation>
    </message>
    <message>
        <source>Clear selected lock-out</source>
        <translation>Geselecteerde blokkade wissen</translation>
    </message>
    <message>
        <source>Audit trail (newest first)</source>
        <translation>Audittrail (nieuwste eerst)</translation>
    </message>
    <message>
        <source>Lock-outs</source>
        <translation>Blokkades</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Instellingen</translation>
    </message>
    <message>
        <source>Export audit trail</source>
        <translation>Audittrail exporteren</translation>
    </message>
    <message>
        <source>User %s added.</source>
        <translation>Gebruiker %s is toegevoegd.</translation>
    </message>
    <message>
        <source>interviewer</source>
        <translation>interviewer</translation>
    </message>
    <message>
        <source>supervisor</source>
        <translation>supervisor</translation>
    </message>
    <message>
        <source>finance</source>
        <translation>financiën</translation>
    </message>
    <message>
        <source>admin</source>
        <translation>beheerder</translation>
    </message>
    <message>
        <source>Audit rows written: %s</source>
        <translation>Auditregels geschreven: %s</translation>
    </message>
    <message>
        <source>Select a user first.</source>
        <translation>Kies eerst een gebruiker.</translation>
    </message>
    <message>
        <source>Dutch only</source>
        <translation>alleen Nederlands</translation>
    </message>
    <message>
        <source>%1 speaks: %2. This counts from their next login.</source>
        <translation>%1 spreekt: %2. Dit geldt vanaf de volgende keer inloggen.</translation>
    </message>
    <message>
        <source>Select a lock-out first.</source>
        <translation>Kies eerst een blokkade.</translation>
    </message>
    <message>
        <source>%s may log in again.</source>
        <translation>%s mag weer inloggen.</translation>
    </message>
</context>
<context>
    <name>AppointmentScreen</name>
    <message>
        <source>Day</source>
        <translation>Dag</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Tijd</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Wanneer</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>Cliënt</translation>
    </message>
    <message>
        <source>Provider</source>
        <translation>Aanbieder</translation>
    </message>
    <message>
        <source>My upcoming appointments</source>
        <translation>Mijn komende afspraken</translation>
    </message>
    <message>
        <source>Note (e.g. ask for the respondent by first name)</source>
        <translation>Notitie (bijvoorbeeld: vraag naar de respondent met de voornaam)</translation>
    </message>
    <message>
        <source>Cancel  (Esc)</source>
        <translation>Annuleren  (Esc)</translation>
    </message>
    <message>
        <source>Exact time ⇄ day part  (F6)</source>
        <translation>Vast tijdstip ⇄ dagdeel  (F6)</translation>
    </message>
    <message>
        <source>Confirm  (Enter)</source>
        <translation>Bevestigen  (Enter)</translation>
    </message>
    <message>
        <source>↑↓ choose · Tab next list · Enter confirm · Esc cancel</source>
        <translation>↑↓ kiezen · Tab volgende lijst · Enter bevestigen · Esc annuleren</translation>
    </message>
    <message>
        <source> · F6 exact time or day part</source>
        <translation> · F6 vast tijdstip of dagdeel</translation>
    </message>
    <message>
        <source>Day part</source>
        <translation>Dagdeel</translation>
    </message>
    <message>
        <source>Mon</source>
        <translation>ma</translation>
    </message>
    <message>
        <source>Tue</source>
        <translation>di</translation>
    </message>
    <message>
        <source>Wed</source>
        <translation>wo</translation>
    </message>
    <message>
        <source>Thu</source>
        <translation>do</translation>
    </message>
    <message>
        <source>Fri</source>
        <translation>vr</translation>
    </message>
    <message>
        <source>Sat</source>
        <translation>za</translation>
    </message>
    <message>
        <source>Sun</source>
        <translation>zo</translation>
    </message>
    <message>
        <source> (today)</source>
        <translation> (vandaag)</translation>
    </message>
    <message>
        <source> (tomorrow)</source>
        <translation> (morgen)</translation>
    </message>
    <message>
        <source>morning</source>
        <translation>ochtend</translation>
    </message>
    <message>
        <source>afternoon</source>
        <translation>middag</translation>
    </message>
    <message>
        <source>evening</source>
        <translation>avond</translation>
    </message>
    <message>
        <source>Choose a day and a time first.</source>
        <translation>Kies eerst een dag en een tijd.</translation>
    </message>
</context>
<context>
    <name>CallsArea</name>
    <message>
        <source>Record an outcome for the open case first (%s).</source>
        <translation>Leg eerst een uitkomst vast voor de open zaak (%s).</translation>
    </message>
</context>
<context>
    <name>CaseClosing</name>
    <message>
        <source>The line is still ringing: wait, or hang up first (F3).</source>
        <translation>De lijn gaat nog over: wacht, of hang eerst op (F3).</translation>
    </message>
    <message>
        <source>%1 with %2</source>
        <translation>%1 met %2</translation>
    </message>
    <message>
        <source>Recorded: %1 for %2.</source>
        <translation>Vastgelegd: %1 voor %2.</translation>
    </message>
    <message>
        <source>Next call %s.</source>
        <translation>Volgende poging %s.</translation>
    </message>
    <message>
        <source>F5 or Enter: next case.</source>
        <translation>F5 of Enter: volgende zaak.</translation>
    </message>
    <message>
        <source>Recording the complete interview…</source>
        <translation>Volledig interview vastleggen…</translation>
    </message>
    <message>
        <source>The interview ended without a complete interview: choose the outcome (for example a refusal or wrong person).</source>
        <translation>Het interview is geëindigd zonder volledig interview: kies de uitkomst (bijvoorbeeld een weigering of verkeerde persoon).</translation>
    </message>
    <message>
        <source>The interview could not be closed: %s</source>
        <translation>Het interview kon niet worden afgesloten: %s</translation>
    </message>
    <message>
        <source>Stop the interview with %s: when shall we call back?</source>
        <translation>Interview met %s stoppen: wanneer bellen we terug?</translation>
    </message>
</context>
<context>
    <name>CaseScreen</name>
    <message>
        <source>Earlier attempts</source>
        <translation>Eerdere pogingen</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Wanneer</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Wie</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Uitkomst</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>Nummer</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Notitie</translation>
    </message>
    <message>
        <source>Not called before.</source>
        <translation>Nog niet eerder gebeld.</translation>
    </message>
    <message>
        <source>Dial  (F2)</source>
        <translation>Bellen  (F2)</translation>
    </message>
    <message>
        <source>Hang up  (F3)</source>
        <translation>Ophangen  (F3)</translation>
    </message>
    <message>
        <source>Contact: start interview  (F4)</source>
        <translation>Contact: interview starten  (F4)</translation>
    </message>
    <message>
        <source>low-threshold form</source>
        <translation>laagdrempelige vragenlijst</translation>
    </message>
    <message>
        <source>inburgering form</source>
        <translation>vragenlijst inburgering</translation>
    </message>
    <message>
        <source>regular form</source>
        <translation>reguliere vragenlijst</translation>
    </message>
    <message>
        <source>%1 · service %2 · %3 · client %4 · attempt %5 of %6</source>
        <translation>%1 · dienst %2 · %3 · cliënt %4 · poging %5 van %6</translation>
    </message>
    <message>
        <source>Why now: %s</source>
        <translation>Waarom nu: %s</translation>
    </message>
    <message>
        <source>Language: %s</source>
        <translation>Taal: %s</translation>
    </message>
    <message>
        <source> (check this number before dialling)</source>
        <translation> (controleer dit nummer voor u belt)</translation>
    </message>
    <message>
        <source>Press F2 to dial.</source>
        <translation>Druk op F2 om te bellen.</translation>
    </message>
    <message>
        <source>No number can be dialled now; record an outcome.</source>
        <translation>Er is nu geen nummer te bellen; kies een uitkomst.</translation>
    </message>
    <message>
        <source>Other numbers: %s</source>
        <translation>Andere nummers: %s</translation>
    </message>
    <message>
        <source>Appointment %1 made by %2</source>
        <translation>Afspraak %1, gemaakt door %2</translation>
    </message>
    <message>
        <source>Contact: resume interview  (F4)</source>
        <translation>Contact: interview hervatten  (F4)</translation>
    </message>
    <message>
        <source>Dial this number on your desk phone.</source>
        <translation>Bel dit nummer met uw bureautelefoon.</translation>
    </message>
    <message>
        <source>Handed to your softphone: %s</source>
        <translation>Doorgegeven aan uw softphone: %s</translation>
    </message>
    <message>
        <source>The softphone did not take the number (%s); dial it by hand.</source>
        <translation>De softphone nam het nummer niet aan (%s); bel het met de hand.</translation>
    </message>
    <message>
        <source>Press F2: the softphone dials this number.</source>
        <translation>Druk op F2: de softphone belt dit nummer.</translation>
    </message>
</context>
<context>
    <name>Desk</name>
    <message>
        <source>Looking for a case you were working on…</source>
        <translation>Zoeken naar een zaak waar u nog mee bezig was…</translation>
    </message>
    <message>
        <source>all providers</source>
        <translation>alle aanbieders</translation>
    </message>
    <message>
        <source>Press F5 or Enter for the next case.</source>
        <translation>Druk op F5 of Enter voor de volgende zaak.</translation>
    </message>
    <message>
        <source>You were still working on this case when the program stopped.</source>
        <translation>U was nog met deze zaak bezig toen het programma stopte.</translation>
    </message>
    <message>
        <source>Press F4 to resume the interview at the question where it stopped.</source>
        <translation>Druk op F4 om het interview te hervatten bij de vraag waar het stopte.</translation>
    </message>
    <message>
        <source>Looking for the next case…</source>
        <translation>Volgende zaak zoeken…</translation>
    </message>
    <message>
        <source>next case expected %s</source>
        <translation>volgende zaak verwacht %s</translation>
    </message>
    <message>
        <source>This case has no number to dial now.</source>
        <translation>Deze zaak heeft nu geen nummer om te bellen.</translation>
    </message>
    <message>
        <source>The dialer setting is wrong (%s); dial by hand.</source>
        <translation>De instelling van de dialer klopt niet (%s); bel met de hand.</translation>
    </message>
</context>
<context>
    <name>ExportPage</name>
    <message>
        <source>Provider</source>
        <translation>Aanbieder</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>Meetperiode</translation>
    </message>
    <message>
        <source>Client questionnaire (regular and low-threshold)</source>
        <translation>Cliëntvragenlijst (regulier en laagdrempelig)</translation>
    </message>
    <message>
        <source>Inburgering questionnaire</source>
        <translation>Inburgeringsvragenlijst</translation>
    </message>
    <message>
        <source>CSV for Dutch Excel (; and BOM)</source>
        <translation>CSV voor Nederlandse Excel (; en BOM)</translation>
    </message>
    <message>
        <source>With paradata (attempts, outcomes, interviewer, length; the screen visits in a file of their own)</source>
        <translation>Met paradata (pogingen, uitkomsten, interviewer, duur; de schermbezoeken in een eigen bestand)</translation>
    </message>
    <message>
        <source>With name, phone number and e-mail (logged)</source>
        <translation>Met naam, telefoonnummer en e-mail (wordt vastgelegd)</translation>
    </message>
    <message>
        <source>Open answers unmasked (phone numbers, e-mail and names as said; logged)</source>
        <translation>Open antwoorden onbewerkt (telefoonnummers, e-mail en namen zoals gezegd; komt in het auditlog)</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>Kiezen…</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exporteren</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuleren</translation>
    </message>
    <message>
        <source>Which interviews (select one or more provider periods; none selected: all)</source>
        <translation>Welke interviews (kies een of meer meetperioden; niets gekozen: alle)</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Bestand</translation>
    </message>
    <message>
        <source>Questionnaire</source>
        <translation>Vragenlijst</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>Formaat</translation>
    </message>
    <message>
        <source>Save as</source>
        <translation>Opslaan als</translation>
    </message>
    <message>
        <source>One row per complete interview; a codebook goes with every file. Without contact data the file holds no name, phone number or e-mail address.</source>
        <translation>Eén rij per afgerond interview; bij elk bestand hoort een codeboek. Zonder contactgegevens staat er geen naam, telefoonnummer of e-mailadres in het bestand.</translation>
    </message>
    <message>
        <source>Complete interviews: %1 client questionnaire, %2 inburgering</source>
        <translation>Afgeronde interviews: %1 cliëntvragenlijst, %2 inburgering</translation>
    </message>
    <message>
        <source>Export to</source>
        <translation>Exporteren naar</translation>
    </message>
    <message>
        <source>There is nothing to export.</source>
        <translation>Er is niets te exporteren.</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>Bezig met exporteren…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Bezig met afbreken…</translation>
    </message>
    <message>
        <source>%1 interviews exported: %2</source>
        <translation>%1 interviews geëxporteerd: %2</translation>
    </message>
    <message>
        <source>Export cancelled; no file was written.</source>
        <translation>Export afgebroken; er is geen bestand geschreven.</translation>
    </message>
</context>
<context>
    <name>FinanceArea</name>
    <message>
        <source>Refresh</source>
        <translation>Vernieuwen</translation>
    </message>
    <message>
        <source>Provider and period</source>
        <translation>Aanbieder en meetperiode</translation>
    </message>
    <message>
        <source>Statement date</source>
        <translation>Notadatum</translation>
    </message>
    <message>
        <source>Statement</source>
        <translation>Nota</translation>
    </message>
    <message>
        <source>Interview</source>
        <translation>Interview</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>Ingevuld</translation>
    </message>
    <message>
        <source>Subsidised</source>
        <translation>Gesubsidieerd</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <source>no</source>
        <translation>nee</translation>
    </message>
    <message>
        <source>Cost</source>
        <translation>Kosten</translation>
    </message>
    <message>
        <source>Provider share</source>
        <translation>Aandeel aanbieder</translation>
    </message>
    <message>
        <source>Subsidy</source>
        <translation>Subsidie</translation>
    </message>
    <message>
        <source>Correction of</source>
        <translation>Correctie van</translation>
    </message>
    <message>
        <source>Inburgering (not billed to the provider)</source>
        <translation>Inburgering (niet in rekening bij de aanbieder)</translation>
    </message>
    <message>
        <source>Close statement…</source>
        <translation>Nota sluiten…</translation>
    </message>
    <message>
        <source>Subsidy claim</source>
        <translation>Subsidieclaim</translation>
    </message>
    <message>
        <source>Reconciliation check</source>
        <translation>Controle</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exporteren…</translation>
    </message>
    <message>
        <source>Provider</source>
        <translation>Aanbieder</translation>
    </message>
    <message>
        <source>Correction</source>
        <translation>Correctie</translation>
    </message>
    <message>
        <source>Difference</source>
        <translation>Verschil</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>Veld</translation>
    </message>
    <message>
        <source>Stored</source>
        <translation>Opgeslagen</translation>
    </message>
    <message>
        <source>Expected</source>
        <translation>Verwacht</translation>
    </message>
    <message>
        <source>Subsidy claim and reconciliation</source>
        <translation>Subsidieclaim en controle</translation>
    </message>
    <message>
        <source>Choose Subsidy claim or Reconciliation check.</source>
        <translation>Kies Subsidieclaim of Controle.</translation>
    </message>
    <message>
        <source>Export statement</source>
        <translation>Nota exporteren</translation>
    </message>
    <message>
        <source>Excel (*.xlsx);;CSV (*.csv)</source>
        <translation>Excel (*.xlsx);;CSV (*.csv)</translation>
    </message>
    <message>
        <source>No providers yet.</source>
        <translation>Nog geen aanbieders.</translation>
    </message>
    <message>
        <source>Draft (not closed)</source>
        <translation>Concept (niet gesloten)</translation>
    </message>
    <message>
        <source>Statement %s</source>
        <translation>Nota %s</translation>
    </message>
    <message>
        <source>Statement %1 — %2, period %3, dated %4 (closed %5 by %6)</source>
        <translation>Nota %1 — %2, periode %3, notadatum %4 (gesloten %5 door %6)</translation>
    </message>
    <message>
        <source>Draft statement — %1, period %2, dated %3</source>
        <translation>Conceptnota — %1, periode %2, notadatum %3</translation>
    </message>
    <message>
        <source>Tariff %1 per interview; the first %2 interviews of the period are subsidised %3%.</source>
        <translation>Tarief %1 per gesprek; de eerste %2 gesprekken van de periode krijgen %3% subsidie.</translation>
    </message>
    <message>
        <source>Total: %1 interviews (%2 subsidised, %3 corrections); cost %4, provider pays %5, subsidy %6.</source>
        <translation>Totaal: %1 gesprekken (%2 gesubsidieerd, %3 correcties); kosten %4, aanbieder betaalt %5, subsidie %6.</translation>
    </message>
    <message>
        <source>no cap</source>
        <translation>geen maximum</translation>
    </message>
    <message>
        <source>%1 completes on this statement; %2 in the period (cap %3); tariff %4, amount %5.</source>
        <translation>%1 geslaagde gesprekken op deze nota; %2 in de periode (maximum %3); tarief %4, bedrag %5.</translation>
    </message>
    <message>
        <source>Over the cap!</source>
        <translation>Boven het maximum!</translation>
    </message>
    <message>
        <source>There is no draft statement to close.</source>
        <translation>Er is geen conceptnota om te sluiten.</translation>
    </message>
    <message>
        <source>Close the statement of %1 dated %2? Cost %3, provider %4, subsidy %5. A closed statement never changes.</source>
        <translation>De nota van %1 met notadatum %2 sluiten? Kosten %3, aanbieder %4, subsidie %5. Een gesloten nota verandert nooit meer.</translation>
    </message>
    <message>
        <source>Close statement</source>
        <translation>Nota sluiten</translation>
    </message>
    <message>
        <source>Statement %s closed.</source>
        <translation>Nota %s is gesloten.</translation>
    </message>
    <message>
        <source>%1: %2 interviews, %3</source>
        <translation>%1: %2 gesprekken, %3</translation>
    </message>
    <message>
        <source>Subsidy claim to Blik op Werk (closed statements): %1 interviews, %2.</source>
        <translation>Subsidieclaim bij Blik op Werk (gesloten nota's): %1 gesprekken, %2.</translation>
    </message>
    <message>
        <source>Reconciliation check: %s differences found in closed statements.</source>
        <translation>Controle: %s verschillen gevonden in gesloten nota's.</translation>
    </message>
    <message>
        <source>Reconciliation check: no differences; every closed statement matches the interview records.</source>
        <translation>Controle: geen verschillen; elke gesloten nota klopt met de interviewgegevens.</translation>
    </message>
    <message>
        <source>There is no statement to export.</source>
        <translation>Er is geen nota om te exporteren.</translation>
    </message>
    <message>
        <source>Exported to %s.</source>
        <translation>Geëxporteerd naar %s.</translation>
    </message>
</context>
<context>
    <name>InterviewSteps</name>
    <message>
        <source>Opening the questionnaire…</source>
        <translation>Vragenlijst openen…</translation>
    </message>
    <message>
        <source>This answer was not saved: %s Please give it again.</source>
        <translation>Dit antwoord is niet opgeslagen: %s Geef het antwoord opnieuw.</translation>
    </message>
    <message>
        <source>to be checked by a translator</source>
        <translation>nog te controleren door een vertaler</translation>
    </message>
</context>
<context>
    <name>LanguageList</name>
    <message>
        <source>Number or ↑↓, then Enter · Esc: back</source>
        <translation>Nummer of ↑↓, dan Enter · Esc: terug</translation>
    </message>
</context>
<context>
    <name>LoginPage</name>
    <message>
        <source>Log in to cati</source>
        <translation>Inloggen bij cati</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>Gebruikersnaam</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Wachtwoord</translation>
    </message>
    <message>
        <source>Log in</source>
        <translation>Inloggen</translation>
    </message>
    <message>
        <source>Connecting to the database…</source>
        <translation>Verbinden met de database…</translation>
    </message>
    <message>
        <source>Enter your user name and password.</source>
        <translation>Vul uw gebruikersnaam en wachtwoord in.</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Controleren…</translation>
    </message>
    <message>
        <source>Logging in failed: %s</source>
        <translation>Inloggen mislukt: %s</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>cati — telephone interviews Blik op Werk</source>
        <translation>cati — telefonische interviews Blik op Werk</translation>
    </message>
    <message>
        <source>Database: connecting…</source>
        <translation>Database: verbinden…</translation>
    </message>
    <message>
        <source>Not logged in</source>
        <translation>Niet ingelogd</translation>
    </message>
    <message>
        <source>working…</source>
        <translation>bezig…</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Bestand</translation>
    </message>
    <message>
        <source>Log &amp;out</source>
        <translation>&amp;Uitloggen</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Afsluiten</translation>
    </message>
    <message>
        <source>Database: %s</source>
        <translation>Database: %s</translation>
    </message>
    <message>
        <source>Database: not available</source>
        <translation>Database: niet beschikbaar</translation>
    </message>
    <message>
        <source>The database could not be opened: %s</source>
        <translation>De database kon niet worden geopend: %s</translation>
    </message>
    <message>
        <source>cati</source>
        <translation>cati</translation>
    </message>
    <message>
        <source>The database could not be opened:
%s</source>
        <translation>De database kon niet worden geopend:
%s</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Calls</source>
        <translation>Gesprekken</translation>
    </message>
    <message>
        <source>Supervision</source>
        <translation>Supervisie</translation>
    </message>
    <message>
        <source>Finance</source>
        <translation>Financiën</translation>
    </message>
    <message>
        <source>Admin</source>
        <translation>Beheer</translation>
    </message>
    <message>
        <source>interviewer</source>
        <translation>interviewer</translation>
    </message>
    <message>
        <source>supervisor</source>
        <translation>supervisor</translation>
    </message>
    <message>
        <source>finance</source>
        <translation>financiën</translation>
    </message>
    <message>
        <source>admin</source>
        <translation>beheerder</translation>
    </message>
    <message>
        <source>Log out</source>
        <translation>Uitloggen</translation>
    </message>
</context>
<context>
    <name>OrderPage</name>
    <message>
        <source>Case</source>
        <translation>Zaak</translation>
    </message>
    <message>
        <source>Provider</source>
        <translation>Aanbieder</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Wachtrij</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Soort</translation>
    </message>
    <message>
        <source>Attempts</source>
        <translation>Pogingen</translation>
    </message>
    <message>
        <source>Due since</source>
        <translation>Aan de beurt sinds</translation>
    </message>
    <message>
        <source>Last attempt</source>
        <translation>Laatste poging</translation>
    </message>
    <message>
        <source>Kept for</source>
        <translation>Voorbehouden aan</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Taal</translation>
    </message>
    <message>
        <source>All providers</source>
        <translation>Alle aanbieders</translation>
    </message>
    <message>
        <source>Purchased</source>
        <translation>Ingekocht</translation>
    </message>
    <message>
        <source>Inburgering</source>
        <translation>Inburgering</translation>
    </message>
    <message>
        <source>Back-checks</source>
        <translation>Nacontroles</translation>
    </message>
    <message>
        <source>All queues</source>
        <translation>Alle wachtrijen</translation>
    </message>
    <message>
        <source>Any interviewer</source>
        <translation>Elke interviewer</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Vernieuwen</translation>
    </message>
    <message>
        <source>For</source>
        <translation>Voor</translation>
    </message>
    <message>
        <source>At most</source>
        <translation>Hoogstens</translation>
    </message>
    <message>
        <source>The cases that are due now, in the order the next claims take them: the first line is the next case offered. Appointments kept for the interviewer who made them are marked.</source>
        <translation>De zaken die nu aan de beurt zijn, in de volgorde waarin ze worden aangeboden: de eerste regel is de volgende zaak. Afspraken die nog voor de eigen interviewer zijn voorbehouden, staan erbij met diens naam.</translation>
    </message>
    <message>
        <source>Cases due now (shown): %s</source>
        <translation>Zaken nu aan de beurt (getoond): %s</translation>
    </message>
    <message>
        <source>No case is due now (outside the calling hours, or nothing to call).</source>
        <translation>Nu is er geen zaak aan de beurt (buiten de beltijden, of niets te bellen).</translation>
    </message>
</context>
<context>
    <name>OutcomePanel</name>
    <message>
        <source>Outcome of this call — type the number, then Enter</source>
        <translation>Uitkomst van dit gesprek — typ het nummer, dan Enter</translation>
    </message>
    <message>
        <source>Note for the next call (Tab)</source>
        <translation>Notitie voor de volgende poging (Tab)</translation>
    </message>
    <message>
        <source>Record outcome  (Enter)</source>
        <translation>Uitkomst vastleggen  (Enter)</translation>
    </message>
    <message>
        <source>The line says: %s. Enter confirms, or type another number.</source>
        <translation>De lijn zegt: %s. Enter bevestigt, of typ een ander nummer.</translation>
    </message>
    <message>
        <source>Choose an outcome first: type its number.</source>
        <translation>Kies eerst een uitkomst: typ het nummer.</translation>
    </message>
    <message>
        <source>Not recognised / another language</source>
        <translation>Niet herkend / een andere taal</translation>
    </message>
    <message>
        <source>Which language did you hear? The case goes to an interviewer who speaks it.</source>
        <translation>Welke taal hoorde u? De zaak gaat naar een interviewer die deze taal spreekt.</translation>
    </message>
</context>
<context>
    <name>ProgressPage</name>
    <message>
        <source>Provider</source>
        <translation>Aanbieder</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Wachtrij</translation>
    </message>
    <message>
        <source>Sample</source>
        <translation>Steekproef</translation>
    </message>
    <message>
        <source>Net sample</source>
        <translation>Netto steekproef</translation>
    </message>
    <message>
        <source>Never called</source>
        <translation>Nooit gebeld</translation>
    </message>
    <message>
        <source>Called, still open</source>
        <translation>Gebeld, nog open</translation>
    </message>
    <message>
        <source>Held now</source>
        <translation>Nu in behandeling</translation>
    </message>
    <message>
        <source>Appointments today</source>
        <translation>Afspraken vandaag</translation>
    </message>
    <message>
        <source>Final</source>
        <translation>Afgerond</translation>
    </message>
    <message>
        <source>Completes</source>
        <translation>Compleet</translation>
    </message>
    <message>
        <source>Dials (softphone)</source>
        <translation>Gekozen (softphone)</translation>
    </message>
    <message>
        <source>Answered %</source>
        <translation>Opgenomen %</translation>
    </message>
    <message>
        <source>Talk time (h:mm)</source>
        <translation>Gesprekstijd (u:mm)</translation>
    </message>
    <message>
        <source>Interviewer</source>
        <translation>Interviewer</translation>
    </message>
    <message>
        <source>Hours logged in</source>
        <translation>Uren ingelogd</translation>
    </message>
    <message>
        <source>Calls</source>
        <translation>Gesprekken</translation>
    </message>
    <message>
        <source>Contacts</source>
        <translation>Contacten</translation>
    </message>
    <message>
        <source>Completes per hour</source>
        <translation>Compleet per uur</translation>
    </message>
    <message>
        <source>Mean interview length (min)</source>
        <translation>Gem. duur interview (min)</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Taal</translation>
    </message>
    <message>
        <source>Open cases</source>
        <translation>Open zaken</translation>
    </message>
    <message>
        <source>Waiting for a speaker</source>
        <translation>Wacht op een spreker</translation>
    </message>
    <message>
        <source>All providers</source>
        <translation>Alle aanbieders</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>Vandaag</translation>
    </message>
    <message>
        <source>Standard e</source>
        <translation>Standaard-e</translation>
    </message>
    <message>
        <source>Save e as setting</source>
        <translation>e opslaan als instelling</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Vernieuwen</translation>
    </message>
    <message>
        <source>Interviewers from</source>
        <translation>Interviewers van</translation>
    </message>
    <message>
        <source>to</source>
        <translation>tot en met</translation>
    </message>
    <message>
        <source>Waiting for a speaker: open cases in a language that no interviewer who logged in today speaks.</source>
        <translation>Wacht op een spreker: open zaken in een taal die geen interviewer spreekt die vandaag is ingelogd.</translation>
    </message>
    <message>
        <source>Completes per day</source>
        <translation>Compleet per dag</translation>
    </message>
    <message>
        <source>Outcome mix (call attempts)</source>
        <translation>Uitkomsten (belpogingen)</translation>
    </message>
    <message>
        <source>Per provider and queue</source>
        <translation>Per aanbieder en wachtrij</translation>
    </message>
    <message>
        <source>AAPOR rates (%) over the final cases</source>
        <translation>AAPOR-percentages over de afgeronde zaken</translation>
    </message>
    <message>
        <source>Per interviewer</source>
        <translation>Per interviewer</translation>
    </message>
    <message>
        <source>Per language</source>
        <translation>Per taal</translation>
    </message>
    <message>
        <source>purchased</source>
        <translation>ingekocht</translation>
    </message>
    <message>
        <source>inburgering</source>
        <translation>inburgering</translation>
    </message>
    <message>
        <source>back-checks</source>
        <translation>nacontroles</translation>
    </message>
    <message>
        <source>chosen here</source>
        <translation>hier gekozen</translation>
    </message>
    <message>
        <source>setting</source>
        <translation>instelling</translation>
    </message>
    <message>
        <source>from the data</source>
        <translation>uit de data</translation>
    </message>
    <message>
        <source>Error: %s</source>
        <translation>Fout: %s</translation>
    </message>
    <message>
        <source>Updated %s (today is %s)</source>
        <translation>Bijgewerkt %s (vandaag is %s)</translation>
    </message>
</context>
<context>
    <name>ProvidersPage</name>
    <message>
        <source>Provider</source>
        <translation>Aanbieder</translation>
    </message>
    <message>
        <source>Phone option</source>
        <translation>Telefonische optie</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <source>no</source>
        <translation>nee</translation>
    </message>
    <message>
        <source>Tariff</source>
        <translation>Tarief</translation>
    </message>
    <message>
        <source>Measurement periods</source>
        <translation>Meetperiodes</translation>
    </message>
    <message>
        <source>Clients</source>
        <translation>Cliënten</translation>
    </message>
    <message>
        <source>Purchased cases</source>
        <translation>Ingekocht (zaken)</translation>
    </message>
    <message>
        <source>Inburgering cases</source>
        <translation>Inburgering (zaken)</translation>
    </message>
    <message>
        <source>Line</source>
        <translation>Regel</translation>
    </message>
    <message>
        <source>Client number</source>
        <translation>Klantnummer</translation>
    </message>
    <message>
        <source>Reasons</source>
        <translation>Redenen</translation>
    </message>
    <message>
        <source>duplicate: </source>
        <translation>dubbel: </translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>Waarschuwing</translation>
    </message>
    <message>
        <source>Add provider or measurement period</source>
        <translation>Aanbieder of meetperiode toevoegen</translation>
    </message>
    <message>
        <source>Bought the telephone option</source>
        <translation>Heeft de telefonische optie ingekocht</translation>
    </message>
    <message>
        <source>e.g. 42,50</source>
        <translation>bijv. 42,50</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Toevoegen</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Naam</translation>
    </message>
    <message>
        <source>Period start</source>
        <translation>Begin meetperiode</translation>
    </message>
    <message>
        <source>Period end</source>
        <translation>Einde meetperiode</translation>
    </message>
    <message>
        <source>Tariff per purchased interview (€)</source>
        <translation>Tarief per ingekocht gesprek (€)</translation>
    </message>
    <message>
        <source>Client file</source>
        <translation>Klantbestand</translation>
    </message>
    <message>
        <source>Import client file…</source>
        <translation>Klantbestand inlezen…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuleren</translation>
    </message>
    <message>
        <source>Measurement period</source>
        <translation>Meetperiode</translation>
    </message>
    <message>
        <source>Select a provider, then import its client file.</source>
        <translation>Kies een aanbieder en lees daarna het klantbestand in.</translation>
    </message>
    <message>
        <source>Rejected rows and duplicates</source>
        <translation>Afgewezen en dubbele regels</translation>
    </message>
    <message>
        <source>Warnings (repairs and doubts)</source>
        <translation>Waarschuwingen (herstel en twijfel)</translation>
    </message>
    <message>
        <source>Provider %s added.</source>
        <translation>Aanbieder %s toegevoegd.</translation>
    </message>
    <message>
        <source>Provider %s updated.</source>
        <translation>Aanbieder %s bijgewerkt.</translation>
    </message>
    <message>
        <source>Import client file</source>
        <translation>Klantbestand inlezen</translation>
    </message>
    <message>
        <source>Client files (*.csv *.txt *.xlsx);;All files (*)</source>
        <translation>Klantbestanden (*.csv *.txt *.xlsx);;Alle bestanden (*)</translation>
    </message>
    <message>
        <source>Reading %s…</source>
        <translation>%s wordt gelezen…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Bezig met afbreken…</translation>
    </message>
    <message>
        <source>Reading: %v of %m rows</source>
        <translation>Lezen: %v van %m regels</translation>
    </message>
    <message>
        <source>Saving: %v of %m clients</source>
        <translation>Opslaan: %v van %m cliënten</translation>
    </message>
    <message>
        <source>%1: %2 rows read into %3.</source>
        <translation>%1: %2 regels ingelezen voor %3.</translation>
    </message>
    <message>
        <source>Accepted %1 (purchased queue %2, inburgering queue %3, not phoned: mail/post %4, do-not-call %5); rejected %6; duplicates %7; warnings %8.</source>
        <translation>Geaccepteerd %1 (wachtrij ingekocht %2, wachtrij inburgering %3, niet gebeld: mail/post %4, niet-bellen %5); afgewezen %6; dubbel %7; waarschuwingen %8.</translation>
    </message>
    <message>
        <source>Every line accounted for: %1 lines with data = %2 to phone + %3 not phoned (mail/post) + %4 rejected + %5 duplicates; %6 empty lines skipped.</source>
        <translation>Elke regel verantwoord: %1 regels met gegevens = %2 te bellen + %3 niet gebeld (mail/post) + %4 afgewezen + %5 dubbel; %6 lege regels overgeslagen.</translation>
    </message>
    <message>
        <source>This file was imported before; no client was added twice.</source>
        <translation>Dit bestand is al eerder ingelezen; geen cliënt is dubbel toegevoegd.</translation>
    </message>
    <message>
        <source>Rejected rows saved to %s.</source>
        <translation>Afgewezen regels opgeslagen in %s.</translation>
    </message>
    <message>
        <source>Import cancelled; nothing was changed.</source>
        <translation>Import geannuleerd; er is niets veranderd.</translation>
    </message>
    <message>
        <source>The file was not imported, nothing was changed: %s</source>
        <translation>Het bestand is niet ingelezen, er is niets veranderd: %s</translation>
    </message>
    <message>
        <source>The import failed, nothing was changed: %s</source>
        <translation>De import is mislukt, er is niets veranderd: %s</translation>
    </message>
</context>
<context>
    <name>QualityPage</name>
    <message>
        <source>Read too fast</source>
        <translation>Te snel voorgelezen</translation>
    </message>
    <message>
        <source>The same answer on every row of grids</source>
        <translation>Overal hetzelfde antwoord in rasters</translation>
    </message>
    <message>
        <source>Short for its route</source>
        <translation>Kort voor de gevolgde route</translation>
    </message>
    <message>
        <source>Many don't know / won't say</source>
        <translation>Veel weet niet / wil niet zeggen</translation>
    </message>
    <message>
        <source>Answers changed after the end</source>
        <translation>Antwoorden gewijzigd na afloop</translation>
    </message>
    <message>
        <source>Outside calling hours</source>
        <translation>Buiten de beltijden</translation>
    </message>
    <message>
        <source>During another case</source>
        <translation>Tijdens een andere zaak</translation>
    </message>
    <message>
        <source>to review</source>
        <translation>te beoordelen</translation>
    </message>
    <message>
        <source>back-check in the queue</source>
        <translation>nacontrole in de belrij</translation>
    </message>
    <message>
        <source>back-check done</source>
        <translation>nacontrole gedaan</translation>
    </message>
    <message>
        <source>accepted</source>
        <translation>geaccepteerd</translation>
    </message>
    <message>
        <source>no flag</source>
        <translation>geen signaal</translation>
    </message>
    <message>
        <source>voided</source>
        <translation>ongeldig gemaakt</translation>
    </message>
    <message>
        <source>back-check put in the queue</source>
        <translation>nacontrole in de belrij gezet</translation>
    </message>
    <message>
        <source>Interview</source>
        <translation>Interview</translation>
    </message>
    <message>
        <source>Provider</source>
        <translation>Aanbieder</translation>
    </message>
    <message>
        <source>Interviewer</source>
        <translation>Interviewer</translation>
    </message>
    <message>
        <source>Completed at</source>
        <translation>Afgerond op</translation>
    </message>
    <message>
        <source>Length</source>
        <translation>Duur</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Flags</source>
        <translation>Signalen</translation>
    </message>
    <message>
        <source>All providers</source>
        <translation>Alle aanbieders</translation>
    </message>
    <message>
        <source>All interviewers</source>
        <translation>Alle interviewers</translation>
    </message>
    <message>
        <source>All flags</source>
        <translation>Alle signalen</translation>
    </message>
    <message>
        <source>Accepted ones too</source>
        <translation>Ook geaccepteerde</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Vernieuwen</translation>
    </message>
    <message>
        <source>Flag</source>
        <translation>Signaal</translation>
    </message>
    <message>
        <source>Question</source>
        <translation>Vraag</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>Tekst</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>Antwoord</translation>
    </message>
    <message>
        <source>Seconds on screen</source>
        <translation>Seconden op het scherm</translation>
    </message>
    <message>
        <source>Visits</source>
        <translation>Bezoeken</translation>
    </message>
    <message>
        <source>Corrections</source>
        <translation>Correcties</translation>
    </message>
    <message>
        <source>Changes</source>
        <translation>Wijzigingen</translation>
    </message>
    <message>
        <source>Choose an interview in the list.</source>
        <translation>Kies een interview in de lijst.</translation>
    </message>
    <message>
        <source>Note with the decision (needed to accept or void)</source>
        <translation>Toelichting bij de beslissing (nodig om te accepteren of ongeldig te maken)</translation>
    </message>
    <message>
        <source>Accept</source>
        <translation>Accepteren</translation>
    </message>
    <message>
        <source>Void</source>
        <translation>Ongeldig maken</translation>
    </message>
    <message>
        <source>Back-check</source>
        <translation>Nacontrole</translation>
    </message>
    <message>
        <source>A short verification call, put in the queue for an interviewer other than the one who did the interview</source>
        <translation>Een kort controlegesprek, in de belrij gezet voor een andere interviewer dan wie het interview afnam</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>Beoordeling</translation>
    </message>
    <message>
        <source>Form</source>
        <translation>Vragenlijst</translation>
    </message>
    <message>
        <source>Interviews</source>
        <translation>Interviews</translation>
    </message>
    <message>
        <source>Length (min)</source>
        <translation>Duur (min)</translation>
    </message>
    <message>
        <source>With a flag</source>
        <translation>Met een signaal</translation>
    </message>
    <message>
        <source>Don't know</source>
        <translation>Weet niet</translation>
    </message>
    <message>
        <source>Mean grade</source>
        <translation>Gem. rapportcijfer</translation>
    </message>
    <message>
        <source>Contact per attempt</source>
        <translation>Contact per poging</translation>
    </message>
    <message>
        <source>Refusals per contact</source>
        <translation>Weigeringen per contact</translation>
    </message>
    <message>
        <source>Far from the colleagues</source>
        <translation>Ver van de collega's</translation>
    </message>
    <message>
        <source>Interview length (minutes)</source>
        <translation>Interviewduur (minuten)</translation>
    </message>
    <message>
        <source>this interviewer</source>
        <translation>deze interviewer</translation>
    </message>
    <message>
        <source>colleagues (lowest to highest)</source>
        <translation>collega's (laagste tot hoogste)</translation>
    </message>
    <message>
        <source>Seconds per question</source>
        <translation>Seconden per vraag</translation>
    </message>
    <message>
        <source>Choose an interviewer in the table.</source>
        <translation>Kies een interviewer in de tabel.</translation>
    </message>
    <message>
        <source>Interviews with a flag</source>
        <translation>Interviews met een signaal</translation>
    </message>
    <message>
        <source>Interviewers</source>
        <translation>Interviewers</translation>
    </message>
    <message>
        <source>(flag: %s)</source>
        <translation>(signaal: %s)</translation>
    </message>
    <message>
        <source>%1 complete interviews, %2 with a flag; %3 to review here</source>
        <translation>%1 afgeronde interviews, %2 met een signaal; %3 hier te beoordelen</translation>
    </message>
    <message>
        <source>Interview %1 (%2), %3, interviewer %4, completed %5, length %6: %7</source>
        <translation>Interview %1 (%2), %3, interviewer %4, afgerond %5, duur %6: %7</translation>
    </message>
    <message>
        <source>No flags.</source>
        <translation>Geen signalen.</translation>
    </message>
    <message>
        <source>No decision yet.</source>
        <translation>Nog geen beslissing.</translation>
    </message>
    <message>
        <source>Back-check (case %1): %2</source>
        <translation>Nacontrole (zaak %1): %2</translation>
    </message>
    <message>
        <source>Void interview</source>
        <translation>Interview ongeldig maken</translation>
    </message>
    <message>
        <source>Void interview %1? It is not billed; a closed statement that held it gets a correction.</source>
        <translation>Interview %1 ongeldig maken? Het wordt niet gefactureerd; een afgesloten nota waarop het stond krijgt een correctie.</translation>
    </message>
    <message>
        <source>Decided: %s.</source>
        <translation>Besloten: %s.</translation>
    </message>
    <message>
        <source>%1 on %2: %3 interviews</source>
        <translation>%1 op %2: %3 interviews</translation>
    </message>
    <message>
        <source>Nowhere far from the colleagues.</source>
        <translation>Nergens ver van de collega's.</translation>
    </message>
</context>
<context>
    <name>QuestionScreen</name>
    <message>
        <source>← Back  (PgUp)</source>
        <translation>← Terug  (PgUp)</translation>
    </message>
    <message>
        <source>Stop interview  (F10)</source>
        <translation>Interview stoppen  (F10)</translation>
    </message>
    <message>
        <source>Next  (Enter) →</source>
        <translation>Volgende  (Enter) →</translation>
    </message>
    <message>
        <source>Language  (F7)</source>
        <translation>Taal  (F7)</translation>
    </message>
    <message>
        <source>Question %1 of %2</source>
        <translation>Vraag %1 van %2</translation>
    </message>
    <message>
        <source>Language: %s</source>
        <translation>Taal: %s</translation>
    </message>
    <message>
        <source>Read out the answers.</source>
        <translation>Lees de antwoorden voor.</translation>
    </message>
    <message>
        <source>Closing screen: Enter ends the interview (a complete interview is recorded as complete).</source>
        <translation>Slotscherm: Enter sluit het interview af (een volledig interview wordt als volledig vastgelegd).</translation>
    </message>
    <message>
        <source>Type the number for each row; ↑↓ moves between rows.</source>
        <translation>Typ per regel het nummer; ↑↓ gaat naar een andere regel.</translation>
    </message>
    <message>
        <source>More answers possible: type each number.</source>
        <translation>Meer antwoorden mogelijk: typ elk nummer.</translation>
    </message>
    <message>
        <source>Instruction (not read aloud): %s</source>
        <translation>Instructie (niet voorlezen): %s</translation>
    </message>
    <message>
        <source>Finish  (Enter) →</source>
        <translation>Afronden  (Enter) →</translation>
    </message>
    <message>
        <source>Earlier answer: %s</source>
        <translation>Eerder antwoord: %s</translation>
    </message>
    <message>
        <source>%1 to %2</source>
        <translation>%1 tot en met %2</translation>
    </message>
    <message>
        <source>a number</source>
        <translation>een getal</translation>
    </message>
    <message>
        <source>grade %s</source>
        <translation>cijfer %s</translation>
    </message>
    <message>
        <source>type what the respondent says</source>
        <translation>typ wat de respondent zegt</translation>
    </message>
    <message>
        <source>dd-mm-yyyy</source>
        <translation>dd-mm-jjjj</translation>
    </message>
    <message>
        <source>Ask this question in which language?</source>
        <translation>In welke taal deze vraag stellen?</translation>
    </message>
</context>
<context>
    <name>QueueScreen</name>
    <message>
        <source>Your queues</source>
        <translation>Uw wachtrijen</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Wachtrij</translation>
    </message>
    <message>
        <source>Provider</source>
        <translation>Aanbieder</translation>
    </message>
    <message>
        <source>Open cases</source>
        <translation>Open zaken</translation>
    </message>
    <message>
        <source>Completes today</source>
        <translation>Compleet vandaag</translation>
    </message>
    <message>
        <source>Mine: calls</source>
        <translation>Ik: gesprekken</translation>
    </message>
    <message>
        <source>Mine: completes</source>
        <translation>Ik: compleet</translation>
    </message>
    <message>
        <source>My upcoming appointments</source>
        <translation>Mijn komende afspraken</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Wanneer</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>Cliënt</translation>
    </message>
    <message>
        <source>Next case  (F5 or Enter)</source>
        <translation>Volgende zaak  (F5 of Enter)</translation>
    </message>
    <message>
        <source>All my queues</source>
        <translation>Al mijn wachtrijen</translation>
    </message>
    <message>
        <source>Clients (purchased)</source>
        <translation>Cliënten (ingekocht)</translation>
    </message>
    <message>
        <source>Inburgering</source>
        <translation>Inburgering</translation>
    </message>
    <message>
        <source>Back-checks</source>
        <translation>Nacontroles</translation>
    </message>
    <message>
        <source>All queues</source>
        <translation>Alle wachtrijen</translation>
    </message>
    <message>
        <source>Today you made %1 calls and %2 completes.</source>
        <translation>Vandaag voerde u %1 gesprekken en %2 volledige interviews.</translation>
    </message>
</context>
<context>
    <name>ReportPage</name>
    <message>
        <source>Service</source>
        <translation>Dienst</translation>
    </message>
    <message>
        <source>Net sample</source>
        <translation>Netto steekproef</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>Ingevuld</translation>
    </message>
    <message>
        <source>Response %</source>
        <translation>Respons %</translation>
    </message>
    <message>
        <source>Mean grade</source>
        <translation>Gem. rapportcijfer</translation>
    </message>
    <message>
        <source>Published</source>
        <translation>Gepubliceerd</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <source>no</source>
        <translation>nee</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Tonen</translation>
    </message>
    <message>
        <source>Save as…</source>
        <translation>Opslaan als…</translation>
    </message>
    <message>
        <source>Provider and period</source>
        <translation>Aanbieder en meetperiode</translation>
    </message>
    <message>
        <source>Grades given (1-10)</source>
        <translation>Gegeven rapportcijfers (1-10)</translation>
    </message>
    <message>
        <source>Table 1.1: net sample and response</source>
        <translation>Tabel 1.1: netto steekproef en respons</translation>
    </message>
    <message>
        <source>Keurmerk and promoter score</source>
        <translation>Keurmerk en promotorscore</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>Totaal</translation>
    </message>
    <message>
        <source>Total commissioners (not phoned)</source>
        <translation>Totaal opdrachtgevers (niet gebeld)</translation>
    </message>
    <message>
        <source>Net sample: the %1 clients of this period in cati minus %2 unreachable (final outcome 4.x, except quota full). Completed: phone interviews only; answers by mail or post are not in cati.</source>
        <translation>Netto steekproef: de %1 cliënten van deze periode in cati min %2 onbereikbaar (einduitkomst 4.x, behalve quotum vol). Ingevuld: alleen telefonische interviews; antwoorden per post of e-mail staan niet in cati.</translation>
    </message>
    <message>
        <source>Keurmerk norm met</source>
        <translation>Keurmerknorm behaald</translation>
    </message>
    <message>
        <source>Keurmerk norm met after the correction for low grades</source>
        <translation>Keurmerknorm behaald na correctie voor lage cijfers</translation>
    </message>
    <message>
        <source>Keurmerk norm not met</source>
        <translation>Keurmerknorm niet behaald</translation>
    </message>
    <message>
        <source>No grades yet</source>
        <translation>Nog geen rapportcijfers</translation>
    </message>
    <message>
        <source>Mean %1, corrected for low grades %2</source>
        <translation>Gemiddeld %1, na correctie voor lage cijfers %2</translation>
    </message>
    <message>
        <source>Actual promoter score: %1 (recommended %2, advised against %3, neither %4)</source>
        <translation>Actuele promotorscore: %1 (aangeraden %2, afgeraden %3, geen van beide %4)</translation>
    </message>
    <message>
        <source>Save report figures</source>
        <translation>Rapportcijfers opslaan</translation>
    </message>
    <message>
        <source>Saved: %s</source>
        <translation>Opgeslagen: %s</translation>
    </message>
</context>
<context>
    <name>SettingsBox</name>
    <message>
        <source>Setting</source>
        <translation>Instelling</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Waarde</translation>
    </message>
    <message>
        <source>Valid from</source>
        <translation>Geldig vanaf</translation>
    </message>
    <message>
        <source>default</source>
        <translation>standaard</translation>
    </message>
    <message>
        <source>e.g. 25, 0.50 or tel:{number}; empty = none</source>
        <translation>bijv. 25, 0.50 of tel:{number}; leeg = geen</translation>
    </message>
    <message>
        <source>Save change</source>
        <translation>Wijziging opslaan</translation>
    </message>
    <message>
        <source>New value</source>
        <translation>Nieuwe waarde</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>Opgeslagen.</translation>
    </message>
</context>
<context>
    <name>SoftphoneLine</name>
    <message>
        <source>Not dialled: the softphone still cannot call (see above).</source>
        <translation>Niet gebeld: de softphone kan nog steeds niet bellen (zie boven).</translation>
    </message>
    <message>
        <source>The softphone is ready: press F2 to dial.</source>
        <translation>De softphone is klaar: druk op F2 om te bellen.</translation>
    </message>
    <message>
        <source>This desk's settings file cannot be used: %s</source>
        <translation>Het instellingenbestand van deze werkplek is niet te gebruiken: %s</translation>
    </message>
    <message>
        <source>Softphone: not started.</source>
        <translation>Softphone: niet gestart.</translation>
    </message>
    <message>
        <source>Softphone: starting…</source>
        <translation>Softphone: wordt gestart…</translation>
    </message>
    <message>
        <source>Softphone: registering at the exchange…</source>
        <translation>Softphone: meldt zich aan bij de centrale…</translation>
    </message>
    <message>
        <source>Softphone ready (%s).</source>
        <translation>Softphone klaar (%s).</translation>
    </message>
    <message>
        <source>The softphone is not installed on this computer (%s not found). Ask the administrator; meanwhile dial by hand.</source>
        <translation>De softphone is niet geïnstalleerd op deze computer (%s niet gevonden). Vraag de beheerder; bel intussen met de hand.</translation>
    </message>
    <message>
        <source>The softphone has no SIP account: set softphone.account in %1 (%2).</source>
        <translation>De softphone heeft geen SIP-account: vul softphone.account in in %1 (%2).</translation>
    </message>
    <message>
        <source>The softphone is not registered at the exchange (%s): it cannot call.</source>
        <translation>De softphone is niet aangemeld bij de centrale (%s): bellen kan niet.</translation>
    </message>
    <message>
        <source>The softphone stopped (%s). Press F2 to start it again.</source>
        <translation>De softphone is gestopt (%s). Druk op F2 om hem opnieuw te starten.</translation>
    </message>
    <message>
        <source>A call is still on the line: hang up first (F3).</source>
        <translation>Er is nog een gesprek op de lijn: hang eerst op (F3).</translation>
    </message>
    <message>
        <source>The softphone did not start (%s). Press F2 to try again.</source>
        <translation>De softphone startte niet (%s). Druk op F2 om het opnieuw te proberen.</translation>
    </message>
    <message>
        <source>Not dialled: the softphone cannot call (see above). Starting it again…</source>
        <translation>Niet gebeld: de softphone kan niet bellen (zie boven). Hij wordt opnieuw gestart…</translation>
    </message>
    <message>
        <source>Not dialled: the softphone cannot call (see above).</source>
        <translation>Niet gebeld: de softphone kan niet bellen (zie boven).</translation>
    </message>
    <message>
        <source>The softphone is still starting: press F2 again in a moment.</source>
        <translation>De softphone start nog: druk zo dadelijk opnieuw op F2.</translation>
    </message>
    <message>
        <source>The setting dialer.softphone_uri is wrong (%s): nothing was dialled.</source>
        <translation>De instelling dialer.softphone_uri klopt niet (%s): er is niet gebeld.</translation>
    </message>
    <message>
        <source>Not dialled: %s</source>
        <translation>Niet gebeld: %s</translation>
    </message>
    <message>
        <source>Dialling…</source>
        <translation>Kiest…</translation>
    </message>
    <message>
        <source>Ringing  %s</source>
        <translation>Gaat over  %s</translation>
    </message>
    <message>
        <source>Connected  %s</source>
        <translation>Verbonden  %s</translation>
    </message>
    <message>
        <source>Hung up: %s</source>
        <translation>Opgehangen: %s</translation>
    </message>
    <message>
        <source>Hung up by the respondent</source>
        <translation>Opgehangen door de respondent</translation>
    </message>
    <message>
        <source>Line lost: the softphone stopped</source>
        <translation>Verbinding verbroken: de softphone is gestopt</translation>
    </message>
    <message>
        <source>Hung up</source>
        <translation>Opgehangen</translation>
    </message>
    <message>
        <source>F3: hang up</source>
        <translation>F3: ophangen</translation>
    </message>
</context>
<context>
    <name>SupervisionArea</name>
    <message>
        <source>Progress</source>
        <translation>Voortgang</translation>
    </message>
    <message>
        <source>Call order</source>
        <translation>Belvolgorde</translation>
    </message>
    <message>
        <source>Providers and client files</source>
        <translation>Aanbieders en klantbestanden</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exporteren</translation>
    </message>
    <message>
        <source>Report figures</source>
        <translation>Rapportcijfers</translation>
    </message>
    <message>
        <source>Quality</source>
        <translation>Kwaliteit</translation>
    </message>
</context>
</TS>