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
        <source>Users</source>
        <translation>Gebruikers</translation>
    </message>
    <message>
        <source>Disable / enable selected</source>
        <translation>Selectie uit- / inschakelen</translation>
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
        <source>Audit trail (newest first)</source>
        <translation>Audittrail (nieuwste eerst)</translation>
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
</context>
<context>
    <name>CallsArea</name>
    <message>
        <source>Calls</source>
        <translation>Bellen</translation>
    </message>
    <message>
        <source>Your call queues, the case card, the outcome buttons and the question screens come here.</source>
        <translation>Hier komen uw belwachtrijen, de caskaart, de uitkomstknoppen en de vraagschermen.</translation>
    </message>
</context>
<context>
    <name>ExportPage</name>
    <message>
        <source>Export</source>
        <translation>Export</translation>
    </message>
    <message>
        <source>Exports of completed interviews come here.</source>
        <translation>Hier komen de exports van afgeronde interviews.</translation>
    </message>
</context>
<context>
    <name>FinanceArea</name>
    <message>
        <source>Finance</source>
        <translation>Financiën</translation>
    </message>
    <message>
        <source>Billing statements, the subsidy claim and the reconciliation check come here.</source>
        <translation>Hier komen de facturatieoverzichten, de subsidieclaim en de controle.</translation>
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
        <translation>Bellen</translation>
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
</context>
<context>
    <name>ProgressPage</name>
    <message>
        <source>Progress</source>
        <translation>Voortgang</translation>
    </message>
    <message>
        <source>Live progress per provider, queue and interviewer comes here.</source>
        <translation>Hier komt de voortgang per aanbieder, wachtrij en interviewer.</translation>
    </message>
</context>
<context>
    <name>ProvidersPage</name>
    <message>
        <source>Providers and client files</source>
        <translation>Aanbieders en klantbestanden</translation>
    </message>
    <message>
        <source>Providers, measurement periods and client-file imports come here.</source>
        <translation>Hier komen aanbieders, meetperiodes en het inlezen van klantbestanden.</translation>
    </message>
</context>
<context>
    <name>ReportPage</name>
    <message>
        <source>Report figures</source>
        <translation>Rapportcijfers</translation>
    </message>
    <message>
        <source>The report figures per provider come here.</source>
        <translation>Hier komen de rapportcijfers per aanbieder.</translation>
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
    <name>SupervisionArea</name>
    <message>
        <source>Progress</source>
        <translation>Voortgang</translation>
    </message>
    <message>
        <source>Providers and client files</source>
        <translation>Aanbieders en klantbestanden</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Export</translation>
    </message>
    <message>
        <source>Report figures</source>
        <translation>Rapportcijfers</translation>
    </message>
</context>
</TS>