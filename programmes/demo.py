"""Demo data for network programmes: Elvedal's "Kollegalæring 2027 – helse og omsorg".

Twelve health and care units from Elvedal and its neighbour Fjordnes take part, in two
networks of six. Elvedal's HR coordinator (hr@) runs the programme and decides on
Elvedal's units; Fjordnes' HR coordinator (hr.fjordnes@) decides on Fjordnes' units, so
one application from each municipality is waiting for its own coordinator's decision.

The programme started three months ago. A start-up gathering was held five weeks ago
(one team absent, two without their leader), each network meets in two to three weeks,
and the work between gatherings has answers in every state. Three units brought cycles
they had already started (leder@'s among them); the others got a new cycle when they
were admitted, and have come different distances since. The overview's bottleneck lists
all have something in them: a unit stuck in phase 1, a visit without feedback, missing
status reports, teams without their leader and a leader who has not logged in for weeks.

Everything is dated relative to the day the seed runs. The programme is looked up by its
title first, so running the seed again changes nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone, translation

from learning import phases
from learning.demo import (
    MEALS_CYCLE,
    SKJERMET,
    DemoOrganisation,
    _advance,
    _anchor,
    _at,
    _generated,
    _leader,
    _meeting,
    _tasks,
    _weekday,
)
from learning.models import (
    Cycle,
    CycleEvent,
    LearningPoint,
    Membership,
    Phase,
    PhasePlan,
    Task,
    Unit,
    User,
)
from programmes import services
from programmes.models import (
    AgendaItem,
    Assignment,
    Attendance,
    BringHomeTask,
    Enrolment,
    Gathering,
    Material,
    Network,
    Programme,
    StatusReport,
    Submission,
    TeamMember,
)

TITLE = "Kollegalæring 2027 – helse og omsorg"
NORD = "Nettverk Nord"
SOR = "Nettverk Sør"
COORDINATOR = "hr@demo.kommune.no"
FJORDNES_HR = "hr.fjordnes@demo.kommune.no"

K = AgendaItem.Kind
ROLE = TeamMember.Role
SOURCE = Cycle.NeedSource
R_LEADER = Membership.Role.LEADER
R_SUPPORTER = Membership.Role.SUPPORTER
R_UNION_REP = Membership.Role.UNION_REP

# Days relative to today.
APPLIED = -78
DECIDED = -44  # new cycles start the day their unit is admitted
STARTUP = -35
SURVEY_DUE = -7
NORD_MEETS = 16
SOR_MEETS = 19


@dataclass(frozen=True)
class NewCycle:
    """A cycle started when the unit was admitted, and how far it has come.

    Units past phase 1 have anchored the work and met with staff; units past phase 2
    have chosen a need; a unit past phase 3 has a focus question and a learning point.
    ``moved_on`` are the days (relative to today) it entered each phase after the first.
    """

    title: str
    what: str
    why: str = ""
    phase: int = Phase.ANCHORING
    moved_on: tuple[int, ...] = ()
    need: str = ""
    need_source: str = SOURCE.STAFF_IDEA
    focus_question: str = ""
    point: tuple[str, str, str, str] | None = None  # title, observe, learn, train


@dataclass(frozen=True)
class DemoUnit:
    """One unit's place in the programme, and what it has done so far.

    ``unit`` is a key of ``DemoOrganisation.units``. A unit without a ``network`` waits for
    its municipality's HR coordinator. ``cycle`` names a cycle the unit had already started;
    otherwise ``new_cycle`` describes the cycle the decision starts. Reports are (what we
    did, where we are, what we need); ``survey_state`` is on_time, seen, commented or late.
    """

    unit: str
    network: str
    goals: str
    first_ideas: str
    anchoring: str
    cycle: str = ""
    new_cycle: NewCycle | None = None
    union_rep: bool = True
    safety_rep: bool = False
    attended: str = "team"  # team, without_leader or absent
    brought_home: str = ""  # the leader's note on sharing at home; empty: not confirmed
    startup_report: tuple[str, str, str] | None = None
    next_report: tuple[str, str, str] | None = None
    survey: str = ""
    survey_state: str = ""
    feedback: str = ""
    prework: str = ""
    leader_away: bool = False  # the leader has not logged in for weeks


HOW = {
    "nb": (
        "Vi bruker personalmøtene annenhver uke og ti minutter på vaktskiftet. Teamet fra "
        "programmet holder tråden, og arbeidet skjer i arbeidstiden."
    ),
    "nn": (
        "Vi brukar personalmøta annakvar veke og ti minutt ved vaktskiftet. Teamet frå "
        "programmet held tråden, og arbeidet skjer i arbeidstida."
    ),
}
PARTICIPATION = {
    "nb": (
        "Drøftet på personalmøtet etter introduksjonen. Alle fikk si sin mening, og vi ble "
        "enige om å delta."
    ),
    "nn": (
        "Drøfta på personalmøtet etter introduksjonen. Alle fekk seie meininga si, og vi vart "
        "einige om å vere med."
    ),
}

UNITS = [
    # Nettverk Nord
    DemoUnit(
        SKJERMET,
        NORD,
        goals=(
            "Rolige måltider der beboerne spiser og drikker nok, og at vi fanger opp vekttap "
            "tidlig. Vi vil også lære av de andre enhetene i nettverket."
        ),
        first_ideas="Måltidsvert ved hvert bord, og bedre registrering av mat og drikke.",
        anchoring=(
            "Vi har allerede startet et løp. Kollegalæring står fast på personalmøtet, og "
            "leder setter av tid i turnus til samlinger og besøk."
        ),
        cycle=MEALS_CYCLE,
        brought_home="Delt på personalmøtet. De ansatte likte eksemplene fra de andre enhetene.",
        startup_report=(
            "Introduksjonsmøter for alle vakter, og de ansatte har bestemt seg for å delta.",
            "Fase 1 er snart ferdig. Vi begynner å samle ideer.",
            "Tips om hvordan andre holder tråden på kvelds- og nattevakter.",
        ),
        next_report=(
            "Vi har valgt læringsbehov, skrevet fokusspørsmål og to læringspunkter, og bedt "
            "om besøk hos Avdeling Fjordgløtt.",
            "Fase 3 – læringspunkter. Besøket er ikke bekreftet ennå.",
            "Erfaringer med hvordan dere følger opp personlige læringsmål.",
        ),
        survey=(
            "Vi gikk gjennom avvikene fra tre måneder på personalmøtet. Mat- og "
            "drikkeskjemaene blir ofte ikke fylt ut, og vekttap oppdages for sent. Det er mye "
            "uro ved middagen. Læringsbehovet: rolige måltider der beboerne spiser og drikker "
            "nok."
        ),
        survey_state="commented",
        feedback=(
            "Godt kartlagt, og fint at dere bruker avvikene. Tenk på hvordan dere ser om det "
            "blir bedre – for eksempel antall utfylte skjemaer per uke."
        ),
        prework=(
            "Spørsmål til kritisk venn: Hvordan får vi med kvelds- og nattevaktene når "
            "læringspunktene skal prøves ut? Vi er i fase 3."
        ),
    ),
    DemoUnit(
        "Hjemmetjenesten nord",
        NORD,
        goals=(
            "En trygg og lik praksis for legemiddelhåndtering hos brukerne, også når vi har "
            "mange vikarer."
        ),
        first_ideas="Felles sjekkliste i bilene og fast følge for nye vikarer.",
        anchoring=(
            "Fagmøtet hver tirsdag brukes til kollegalæring. Leder deltar på samlingene og "
            "følger opp teamet på ukemøtet."
        ),
        cycle="Trygg legemiddelhåndtering hjemme hos brukeren",
        safety_rep=True,
        brought_home="Tatt opp på fagmøtet tirsdag, med alle på dagvakt.",
        startup_report=(
            "Vi har introdusert kollegalæring på fagmøtet, og alle ble enige om å delta.",
            "Fase 1 er nesten ferdig. Vi samler ideer fra neste uke.",
            "Hjelp til å velge ett læringsbehov når avvikene peker i flere retninger.",
        ),
        survey=(
            "Vi gikk gjennom avvikene fra siste kvartal: 14 i legemiddelhåndteringen, de "
            "fleste når det er nye vikarer på ruta. De ansatte foreslår en sjekkliste i bilene "
            "og bedre opplæring av vikarene."
        ),
        survey_state="seen",
    ),
    DemoUnit(
        "Avdeling Fjordgløtt",
        NORD,
        goals=(
            "Vi vil bruke sensorer og digitalt tilsyn slik at beboerne får roligere netter, og "
            "lære av enheter som har kommet lenger."
        ),
        first_ideas=(
            "Digitalt tilsyn om natten i stedet for faste runder, og bedre opplæring i sensorene."
        ),
        anchoring=(
            "Leder og ressursperson har satt av to timer i uka. Temaet tas opp på hvert "
            "personalmøte, og nattevaktene får egne møter."
        ),
        new_cycle=NewCycle(
            "Trygge netter med velferdsteknologi",
            what=(
                "Vi vil lære å bruke digitalt tilsyn og sensorer om natten, slik at beboerne "
                "får sove uforstyrret uten at tryggheten blir dårligere."
            ),
            why=(
                "Faste nattrunder vekker beboerne, og mange er urolige dagen etter. Vi har fått "
                "sensorer, men bruker dem lite fordi vi er usikre på dem."
            ),
            phase=Phase.NEEDS,
            moved_on=(-15,),
        ),
        safety_rep=True,
        brought_home="Delt på personalmøtet og på et eget møte for nattevaktene.",
        startup_report=(
            "Vi har informert alle ansatte om programmet og satt sammen teamet.",
            "Fase 1: vi planlegger introduksjonsmøtet.",
            "",
        ),
        next_report=(
            "Introduksjonsmøter for dag- og nattevakter, og vi har samlet ideer i to uker.",
            "Fase 2: vi har mange ideer og velger læringsbehov på neste personalmøte.",
            "Råd om hvordan vi velger mellom ideene.",
        ),
        survey=(
            "Nattevaktene registrerte i to uker hvor ofte beboerne våkner av tilsynsrundene. "
            "Flere ansatte ønsker opplæring i sensorene. Læringsbehovet handler trolig om "
            "digitalt tilsyn om natten."
        ),
        survey_state="seen",
    ),
    DemoUnit(
        "Helsestasjonen",
        NORD,
        goals=(
            "Bedre og mer lik kostholdsveiledning til foreldre med små barn, også til "
            "foreldre som ikke snakker godt norsk."
        ),
        first_ideas="Felles materiell og bilder til veiledningen, og samarbeid med barnehagene.",
        anchoring=(
            "Leder setter av fagmøtet én gang i måneden. Helsesykepleierne deltar etter tur "
            "på samlingene."
        ),
        new_cycle=NewCycle(
            "Kostholdsveiledning til småbarnsforeldre",
            what="Vi vil lære å gi kostholdsveiledning som foreldrene forstår og bruker.",
        ),
        attended="absent",
    ),
    DemoUnit(
        "Fjordnes: Fjordnes sjukeheim",
        NORD,
        goals="Vi vil oppdage underernæring tidlegare og gje bebuarane betre måltid.",
        first_ideas=(
            "Fast vekt kvar månad, ernæringskartlegging ved innkomst og meir ro rundt måltida."
        ),
        anchoring=(
            "Vi brukar personalmøtet kvar månad og fagtimen kvar veke. Leiar er med i teamet "
            "og set av tid i turnusen."
        ),
        new_cycle=NewCycle(
            "Tidleg oppdaging av underernæring",
            what=(
                "Vi vil lære å kartleggje ernæring og følgje opp bebuarar som et og drikk for lite."
            ),
            why=(
                "Fleire bebuarar har gått ned i vekt utan at vi oppdaga det tidleg nok. God "
                "ernæring gjev betre helse og livskvalitet."
            ),
            phase=Phase.LEARNING_POINTS,
            moved_on=(-25, -6),
            need=(
                "Ernæringskartlegging ved innkomst og kvar månad, og fast oppfølging av dei "
                "som er i risiko for underernæring."
            ),
        ),
        safety_rep=True,
        brought_home="Delt på personalmøtet. Dei tilsette var nysgjerrige på besøka.",
        startup_report=(
            "Vi har informert alle tilsette og sett saman teamet.",
            "Fase 1: introduksjonsmøtet er halde.",
            "Korleis andre får med nattevaktene.",
        ),
        next_report=(
            "Vi har valt læringsbehov, og dei fleste tilsette er einige.",
            "Fase 3: vi skriv fokusspørsmål og læringspunkt.",
            "Tips om sjukeheimar som har fått til god ernæringsoppfølging.",
        ),
        survey=(
            "Vi gjekk gjennom vektene for alle bebuarane: sju har gått ned meir enn fem "
            "prosent det siste halvåret. Dei tilsette vil ha ei fast rutine for kartlegging og "
            "oppfølging."
        ),
        survey_state="commented",
        feedback=(
            "Tydelig kartlegging. Avdeling 2 – skjermet i nettverket deres jobber med noe "
            "lignende – snakk gjerne sammen i kritisk venn-runden."
        ),
        prework=(
            "Spørsmål til kritisk venn: Korleis følgjer de opp bebuarar som går ned i vekt, "
            "og kven har ansvaret?"
        ),
    ),
    DemoUnit(
        "Fjordnes: Fjordnes heimeteneste",
        NORD,
        goals=(
            "Vi vil ta i bruk digitalt tilsyn og medisindispensar, slik at brukarane kan bu "
            "trygt heime lenger."
        ),
        first_ideas="Opplæring i medisindispensar og betre samarbeid med pårørande.",
        anchoring="Fagmøtet kvar tysdag. Leiar og ressursperson følgjer opp saman.",
        new_cycle=NewCycle(
            "Velferdsteknologi i heimetenesta",
            what=(
                "Vi vil lære å bruke velferdsteknologi slik at brukarane meistrar kvardagen heime."
            ),
            why=(
                "Mange brukarar får besøk berre for å ta medisin. Med medisindispensar kan dei "
                "klare meir sjølve, og vi får tid til det som betyr mest."
            ),
            phase=Phase.NEEDS,
            moved_on=(-13,),
        ),
        attended="without_leader",
        startup_report=("Vi har sett saman teamet.", "Fase 1.", ""),
        survey=(
            "Vi har gått gjennom kven som får besøk berre for medisinar: 14 brukarar. Dei "
            "tilsette er positive, men treng opplæring."
        ),
        survey_state="late",
        leader_away=True,
    ),
    # Nettverk Sør
    DemoUnit(
        "Avdeling 1 – langtid",
        SOR,
        goals=(
            "Færre fall og fallskader blant beboerne, og en felles praksis for "
            "fallforebygging på alle vakter."
        ),
        first_ideas="Fallrisikovurdering ved innkomst og gjennomgang av hvert fall på vaktskiftet.",
        anchoring=(
            "Vi bruker rapporten ved vaktskiftet og personalmøtet annenhver uke. Leder er med "
            "i teamet og følger opp ressurspersonen hver uke."
        ),
        new_cycle=NewCycle(
            "Færre fall blant beboerne",
            what=(
                "Vi vil lære å forebygge fall hos beboerne med fallrisikovurdering, tilpasset "
                "miljø og gjennomgang av hvert fall."
            ),
            why=(
                "Avdelingen hadde 23 fall i fjor, tre med bruddskader. Fall gir smerte, redsel "
                "og tap av funksjon for beboerne."
            ),
            phase=Phase.BEST_PRACTICE,
            moved_on=(-30, -17, -3),
            need=(
                "Fallrisikovurdering av alle beboere og en fast gjennomgang av hvert fall, slik "
                "at vi setter inn riktige tiltak tidlig."
            ),
            need_source=SOURCE.DEVIATIONS,
            focus_question=(
                "Hvordan vurderer andre avdelinger fallrisiko, og hvordan bruker de "
                "gjennomgangen av fall til å hindre nye?"
            ),
            point=(
                "Fallrisikovurdering ved innkomst",
                "Hvordan de vurderer fallrisiko ved innkomst og når tilstanden endrer seg, og "
                "hvem som gjør det.",
                "Et enkelt verktøy og en fast rutine for vurderingen, og hvordan tiltakene "
                "følges opp.",
                "Vi vurderer alle beboere i løpet av to uker og går gjennom resultatene på "
                "personalmøtet.",
            ),
        ),
        safety_rep=True,
        brought_home="Delt på personalmøtet, og ressurspersonen viste fram de sju fasene.",
        startup_report=(
            "Vi har satt sammen teamet og informert på personalmøtet.",
            "Fase 1: introduksjonsmøtet er avtalt.",
            "",
        ),
        next_report=(
            "Vi har valgt læringsbehov og skrevet fokusspørsmål og ett læringspunkt.",
            "Fase 4: vi leter etter en enhet som har fått ned fallene.",
            "Tips om enheter – også utenfor nettverket – med god praksis på fallforebygging.",
        ),
        survey=(
            "Vi gikk gjennom fallregistreringene: 23 fall i fjor, flest om kvelden og natten. "
            "De ansatte foreslår fallrisikovurdering ved innkomst og en kort gjennomgang av "
            "hvert fall på vaktskiftet."
        ),
        survey_state="commented",
        feedback=(
            "Tydelige tall som gjør det lett å se om det blir bedre. Se gjerne på "
            "pasientsikkerhetsprogrammets tiltakspakke for fall før dere velger vertsenhet."
        ),
        prework=(
            "Vi ønsker hjelp fra kritisk venn til å finne en enhet å hospitere hos. Vi er i fase 4."
        ),
    ),
    DemoUnit(
        "Korttidsavdelingen",
        SOR,
        goals="Trygge overganger fra korttidsopphold til hjemmet, sammen med hjemmetjenesten.",
        first_ideas="Sjekkliste for utskrivelse, og hospitering i hjemmetjenesten.",
        anchoring=(
            "Internundervisningen annenhver torsdag brukes til kollegalæring. Leder deltar på "
            "samlingene."
        ),
        cycle="Trygge overganger fra korttid til hjemmet",
    ),
    DemoUnit(
        "Hjemmetjenesten sør",
        SOR,
        goals=(
            "Oppdage underernæring tidligere hos brukerne som bor hjemme, og følge opp sammen "
            "med fastlegen."
        ),
        first_ideas=(
            "Vekt og ernæringskartlegging når tjenesten starter, og en enkel rutine for å "
            "melde fra."
        ),
        anchoring=(
            "Fagmøtet på onsdager og ti minutter på morgenmøtet. Ressurspersonen har fått to "
            "timer i uka."
        ),
        new_cycle=NewCycle(
            "God ernæring hos hjemmeboende eldre",
            what="Vi vil lære å oppdage og følge opp underernæring hos brukerne som bor hjemme.",
            why=(
                "Mange brukere spiser lite når de bor alene, og vekttap oppdages ofte sent. God "
                "ernæring gir færre fall og sykehusinnleggelser."
            ),
            phase=Phase.NEEDS,
            moved_on=(-12,),
        ),
        union_rep=False,
        safety_rep=True,
        attended="without_leader",
        brought_home="Tatt opp på fagmøtet onsdag.",
        startup_report=(
            "Teamet er på plass, og vi har orientert de ansatte.",
            "Fase 1.",
            "Hvem bør vi ha med fra de tillitsvalgte?",
        ),
        survey=(
            "Vi har veid og kartlagt 30 brukere: ni er i risiko for underernæring. De ansatte "
            "ønsker en rutine for oppfølging og bedre samarbeid med fastlegene."
        ),
        survey_state="late",
    ),
    DemoUnit(
        "Bjørkheim bo- og tjenestested",
        SOR,
        goals=(
            "Færre avvik i legemiddelhåndteringen og tryggere beboere, med velferdsteknologi "
            "der det passer."
        ),
        first_ideas="Dobbeltkontroll, elektronisk medisindispenser og opplæring av nye ansatte.",
        anchoring=(
            "Personalmøtet hver måned og fagtime annenhver uke. Leder deltar på samlingene og "
            "har satt av tid i turnus."
        ),
        new_cycle=NewCycle(
            "Trygg legemiddelhåndtering i boligen",
            what="Vi vil lære en trygg og lik praksis for legemiddelhåndtering i boligen.",
            why=(
                "Vi har hatt flere avvik med glemte doser, og mange nye ansatte. Feil kan få "
                "alvorlige følger for beboerne."
            ),
            phase=Phase.LEARNING_POINTS,
            moved_on=(-24, -8),
            need=(
                "En felles rutine for utdeling og dobbeltkontroll som alle ansatte, også nye, "
                "følger."
            ),
            need_source=SOURCE.DEVIATIONS,
        ),
        safety_rep=True,
        brought_home="Delt på personalmøtet. Vi laget en plakat med de sju fasene.",
        startup_report=(
            "Vi har gått gjennom avvikene og satt sammen teamet.",
            "Fase 1: introduksjonsmøtet er holdt.",
            "",
        ),
        next_report=(
            "Vi har valgt læringsbehov, og de fleste ansatte er enige.",
            "Fase 3: vi skriver fokusspørsmål og læringspunkter.",
            "Hjelp til å skrive gode læringspunkter.",
        ),
        survey=(
            "Avvikene siste halvår: 11 i legemiddelhåndteringen, mest glemte doser på kveld. "
            "Ideer fra de ansatte: dobbeltkontroll, medisindispenser og bedre opplæring."
        ),
        survey_state="seen",
        prework=(
            "Spørsmål til kritisk venn: Hvordan skriver dere læringspunkter som er konkrete nok "
            "til å observere?"
        ),
    ),
    DemoUnit(
        "Fjordnes: Fjordnes bu- og tenestestad",
        SOR,
        goals="Færre uønskte hendingar og tryggare kvardagar for bebuarane.",
        first_ideas="Felles rutinar for dokumentasjon og betre overlapping mellom vaktene.",
        anchoring=(
            "Personalmøtet annakvar veke. Leiar set av tid til teamet og er med på samlingane."
        ),
        new_cycle=NewCycle(
            "Tryggleik i kvardagen",
            what=(
                "Vi vil lære korleis vi førebyggjer uønskte hendingar gjennom betre rapport og "
                "dokumentasjon."
            ),
            why=("Mange hendingar kjem av at informasjon ikkje blir gitt vidare mellom vaktene."),
            phase=Phase.NEEDS,
            moved_on=(-14,),
        ),
        safety_rep=True,
        brought_home="Delt på personalmøtet.",
        startup_report=("Vi har drøfta programmet på personalmøtet.", "Fase 1.", ""),
        survey=(
            "Vi har gått gjennom avvika: mange handlar om informasjon som ikkje vart gitt "
            "vidare. Dei tilsette føreslår ein fast struktur for rapporten, til dømes ISBAR."
        ),
        survey_state="on_time",
        prework=(
            "Spørsmål til kritisk venn: Korleis fekk de alle vaktene til å bruke same struktur "
            "på rapporten?"
        ),
    ),
    DemoUnit(
        "Fjordnes: Fjordnes helsestasjon",
        SOR,
        goals=(
            "Betre og meir lik rettleiing om kosthald til småbarnsforeldre, saman med barnehagane."
        ),
        first_ideas="Felles materiell om kosthald og samarbeid med barnehagane.",
        anchoring="Fagmøtet kvar månad. Helsesjukepleiarane deltek etter tur.",
        new_cycle=NewCycle(
            "Kosthald i barnehagen og heime",
            what="Vi vil lære å gje kosthaldsrettleiing som foreldra forstår og brukar.",
            why=(
                "Fleire barn har for mykje sukker i kosthaldet, og foreldra får ulike råd frå "
                "oss og frå barnehagen."
            ),
            phase=Phase.NEEDS,
            moved_on=(-10,),
        ),
        brought_home="Delt på fagmøtet.",
        startup_report=("Vi har sett saman teamet.", "Fase 1.", ""),
        survey=(
            "Vi har spurt foreldre på fireårskontrollen: mange ønskjer konkrete tips om mat i "
            "kvardagen. Helsesjukepleiarane gjev ulike råd i dag."
        ),
        survey_state="on_time",
    ),
    # Waiting for a decision: one from each municipality, for its own HR coordinator.
    DemoUnit(
        "Hjemmetjenesten vest",
        "",
        goals=(
            "Hverdagsrehabilitering: at brukerne mestrer mer selv etter sykdom eller "
            "sykehusopphold."
        ),
        first_ideas="Lære av Hjemmetjenesten nord og sør, som allerede er med.",
        anchoring="Fagmøtet hver uke. Leder har satt av tid til samlingene fra neste måned.",
    ),
    DemoUnit(
        "Fjordnes: Fjordnes legekontor",
        "",
        goals="Betre oppfølging av pasientar med kronisk sjukdom, saman med heimetenesta.",
        first_ideas="Felles rutine for legemiddelgjennomgang med heimetenesta.",
        anchoring="Kontormøtet kvar veke. Legane og sjukepleiarane deltek etter tur.",
        union_rep=False,
    ),
]

SURVEY_INSTRUCTIONS = (
    "Bruk et personalmøte eller fagmøte til å kartlegge hvor enheten vil bli bedre. Ta "
    "utgangspunkt i avvik, brukernes erfaringer og ideene fra de ansatte. Skriv kort: hva fant "
    "dere, hvilke ideer kom fram, og hvilket læringsbehov peker seg ut? Ta med ett eller to "
    "tall hvis dere har dem."
)
PREWORK_INSTRUCTIONS = (
    "Skriv ett spørsmål eller dilemma dere vil ha hjelp med i kritisk venn-runden, og hvilken "
    "fase dere er i. Kritisk venn leser det før samlingen."
)
BRING_HOME = (
    "Del hovedpunktene fra oppstartssamlingen på et personalmøte: hva kollegalæring er, hvilke "
    "faser dere skal gjennom, og hva enheten jobber med fram til nettverkssamlingen."
)


def seed_programmes(organisation: DemoOrganisation) -> None:
    """The network programme, unless a programme with its title exists in Elvedal."""
    elvedal, fjordnes = organisation.elvedal, organisation.fjordnes
    if Programme.objects.filter(municipality=elvedal, title=TITLE).exists():
        return
    today = timezone.localdate()

    def day(n: int) -> datetime.date:
        return today + datetime.timedelta(days=n)

    hr = organisation.logins[COORDINATOR]
    deciders = {elvedal.pk: hr, fjordnes.pk: organisation.logins[FJORDNES_HR]}
    with translation.override(elvedal.language_form):
        programme = Programme.objects.create(
            municipality=elvedal,
            title=TITLE,
            purpose=(
                "Enhetene i helse og omsorg skal lære av hverandre gjennom kollegalæring. Hver "
                "enhet finner sitt eget læringsbehov, besøker en enhet som har fått det til, "
                "og tar den nye praksisen i bruk. Programmet bygger et varig nettverk på tvers "
                "av Elvedal og Fjordnes."
            ),
            commissioned_by="Kommunalsjef helse og omsorg",
            themes="Ernæring, Velferdsteknologi, Pasientsikkerhet",
            starts_on=day(-90),
            ends_on=day(395),
            description=(
                "Enhetene deltar med et team: leder, en ressursperson og en tillitsvalgt, "
                "gjerne også verneombudet. Etter en felles oppstartssamling møtes dere i "
                "nettverk på seks enheter fra begge kommunene. Mellom samlingene jobber dere i "
                "egen enhet gjennom de sju fasene, leverer en kort statusrapport før hver "
                "nettverkssamling og tar med dere hjem det dere lærer. Dere får veiledning fra "
                "HR, faglig påfyll og kolleger i andre enheter som kritiske venner."
            ),
            status=Programme.Status.RUNNING,
        )
        Programme.objects.filter(pk=programme.pk).update(created_at=_at(day(-100), 11))
        programme.municipalities.set([elvedal, fjordnes])
        programme.coordinators.set([hr])
        networks = {
            NORD: Network.objects.create(
                programme=programme,
                name=NORD,
                description=(
                    "Sykehjem, hjemmetjeneste og helsestasjon fra begge kommunene. Møtes "
                    "vekselvis i Elvedal og Fjordnes."
                ),
            ),
            SOR: Network.objects.create(
                programme=programme,
                name=SOR,
                description=(
                    "Sykehjem, hjemmetjeneste, boliger og helsestasjon fra begge kommunene. "
                    "Møtes på video mellom de felles samlingene."
                ),
            ),
        }

        enrolments = {}
        for index, item in enumerate(UNITS):
            unit = organisation.units[item.unit]
            # Admitted units applied in the first weeks; the two waiting did last week.
            applied_on = day(APPLIED + 2 * index if item.network else -20 + index)
            enrolments[item.unit] = _enrol(programme, unit, item, applied_on)
        for item in UNITS:
            if not item.network:
                continue
            enrolment = enrolments[item.unit]
            decider = deciders[enrolment.unit.municipality_id]
            later = 1 if enrolment.unit.municipality_id == fjordnes.pk else 0
            decided_on = day(DECIDED + later)
            enrolment = _admit(enrolment, item, networks[item.network], decider, decided_on, day)
            enrolments[item.unit] = enrolment
        _last_logins(enrolments, [i for i in UNITS if i.network])

        _startup(programme, enrolments, hr, day)
        upcoming = _network_gatherings(programme, networks, day)
        _work(programme, enrolments, upcoming, hr, day)


def _team(enrolment: Enrolment, item: DemoUnit) -> None:
    """The applying leader is in the team already; add a resource person, and the
    unit's union and safety representatives when it brings them."""
    unit = enrolment.unit
    staff = [person for person in _generated(unit) if person not in _generated(unit, R_LEADER)]
    demo_members = {person.email: person for person in unit.people()}
    resource = demo_members.get("ansatt@demo.kommune.no") or _generated(unit, R_SUPPORTER)[0]
    members = [(resource, ROLE.RESOURCE)]
    if item.union_rep:
        union_rep = (
            demo_members.get("tillitsvalgt@demo.kommune.no") or _generated(unit, R_UNION_REP)[0]
        )
        members.append((union_rep, ROLE.UNION_REP))
    if item.safety_rep:
        taken = {person for person, _role in members}
        members.append(([p for p in staff if p not in taken][-1], ROLE.SAFETY_REP))
    TeamMember.objects.bulk_create(
        TeamMember(enrolment=enrolment, user=person, role=role) for person, role in members
    )


def _enrol(programme: Programme, unit: Unit, item: DemoUnit, applied_on) -> Enrolment:
    leader = _leader(unit)
    enrolment = services.enrol(
        programme=programme,
        unit=unit,
        actor=leader,
        enrolment=Enrolment(
            goals=item.goals,
            first_ideas=item.first_ideas,
            anchoring=item.anchoring,
            commits_to_attend=True,
            commits_to_report=True,
            commits_to_share=True,
        ),
    )
    Enrolment.objects.filter(pk=enrolment.pk).update(applied_at=_at(applied_on, 13, 20))
    _team(enrolment, item)
    return enrolment


def _admit(enrolment, item: DemoUnit, network, decider: User, decided_on, day) -> Enrolment:
    """Admit the unit with its running cycle, or start a new one dated the day of the decision."""
    cycle = None
    if item.cycle:
        cycle = services.linkable_cycles(enrolment).filter(title=item.cycle).first()
    enrolment = services.decide(
        enrolment=enrolment,
        actor=decider,
        status=Enrolment.Status.ADMITTED,
        reason="Velkommen i programmet!"
        if enrolment.unit.municipality.language_form == "nb"
        else "Velkomne i programmet!",
        cycle=cycle,
    )
    Enrolment.objects.filter(pk=enrolment.pk).update(
        network=network, decided_at=_at(decided_on, 10, 30)
    )
    enrolment.refresh_from_db()
    if cycle is None and item.new_cycle:
        _progress(enrolment.cycle, item.new_cycle, decided_on, day)
    return enrolment


def _restart(cycle: Cycle, start: datetime.date, title: str) -> Cycle:
    """Move a cycle ``decide`` started today back to the day of the decision: start date,
    target dates, the plan's dates and the timeline."""
    due = phases.default_due_dates(start)
    Cycle.objects.filter(pk=cycle.pk).update(
        title=title, start_date=start, created_at=_at(start, 10, 30), updated_at=_at(start, 10, 30)
    )
    for phase, due_date in due.items():
        PhasePlan.objects.filter(cycle=cycle, phase=phase).update(due_date=due_date)
    begins = start
    for phase in Phase:
        Task.objects.filter(cycle=cycle, phase=phase).update(
            start_date=begins, due_date=due[phase], created_at=_at(start, 10, 30)
        )
        begins = due[phase]
    CycleEvent.objects.filter(cycle=cycle).update(created_at=_at(start, 10, 30))
    cycle.refresh_from_db()
    return cycle


def _progress(cycle: Cycle, plan: NewCycle, start: datetime.date, day) -> None:
    """Take a new cycle as far as ``plan`` says, through the phase engine."""
    cycle = _restart(cycle, start, plan.title)
    language = cycle.unit.municipality.language_form
    leader, staff = cycle.owner, [p for p in _generated(cycle.unit) if p != cycle.owner]
    if plan.phase == Phase.ANCHORING:  # just begun: the leader has written what, no more
        cycle.what = plan.what
        cycle.save(update_fields=["what", "updated_at"])
        return
    entered = list(plan.moved_on)
    meeting_on = start + datetime.timedelta(days=8)
    _meeting(cycle, meeting_on, [leader, *staff[:7]])
    _anchor(
        cycle,
        decided_on=meeting_on + datetime.timedelta(days=4),
        what=plan.what,
        why=plan.why,
        how=HOW[language],
        participation_how=PARTICIPATION[language],
    )
    cycle.supporters.set(staff[:1])
    _tasks(cycle, Phase.ANCHORING, Task.Status.DONE)
    _advance(cycle, day(entered[0]))
    if plan.phase == Phase.NEEDS:
        _tasks(cycle, Phase.NEEDS, Task.Status.IN_PROGRESS, positions=(0,))
        return
    phases.choose_need(cycle, text=plan.need, source=plan.need_source, idea=None, actor=leader)
    cycle.refresh_from_db()
    _tasks(cycle, Phase.NEEDS, Task.Status.DONE)
    _advance(cycle, day(entered[1]))
    if plan.phase == Phase.LEARNING_POINTS:
        _tasks(cycle, Phase.LEARNING_POINTS, Task.Status.IN_PROGRESS, positions=(0,))
        return
    cycle.focus_question = plan.focus_question
    cycle.save(update_fields=["focus_question", "updated_at"])
    title, observe, learn, train = plan.point
    point = LearningPoint.objects.create(
        cycle=cycle, title=title, observe=observe, learn=learn, train=train
    )
    LearningPoint.objects.filter(pk=point.pk).update(created_at=_at(day(entered[2] - 2), 13))
    _tasks(cycle, Phase.LEARNING_POINTS, Task.Status.DONE, positions=(0, 1))
    _advance(cycle, day(entered[2]))
    _tasks(cycle, Phase.BEST_PRACTICE, Task.Status.IN_PROGRESS, positions=(0,))


def _last_logins(enrolments: dict[str, Enrolment], items: list[DemoUnit]) -> None:
    """Leaders of the units log in now and then; one has not for six weeks. A demo login's
    last login is set only if it has none, so it never looks inactive."""
    now = timezone.now()
    for index, item in enumerate(items):
        enrolment = enrolments[item.unit]
        leaders = User.objects.filter(
            pk__in=Membership.objects.filter(unit=enrolment.unit, role=R_LEADER).values("user")
        ) | User.objects.filter(pk__in=enrolment.team.filter(role=ROLE.LEADER).values("user"))
        if item.leader_away:
            leaders.update(last_login=now - datetime.timedelta(days=41, hours=3))
            continue
        recently = now - datetime.timedelta(days=index % 6, hours=2 + index)
        leaders.exclude(email__endswith="@demo.kommune.no").update(last_login=recently)
        leaders.filter(email__endswith="@demo.kommune.no", last_login=None).update(
            last_login=recently
        )


def _agenda(gathering: Gathering, items) -> None:
    """Items are (kind, title, (hour, minute), minutes, responsible); a status round gets a
    slot per invited unit of ``minutes`` each."""
    for kind, title, (hour, minute), minutes, responsible in items:
        if kind == K.STATUS_ROUND:
            services.add_status_round(gathering, datetime.time(hour, minute), minutes)
            continue
        AgendaItem.objects.create(
            gathering=gathering,
            kind=kind,
            title=title,
            starts_at=datetime.time(hour, minute),
            minutes=minutes,
            responsible=responsible,
        )


def _startup(programme: Programme, enrolments: dict[str, Enrolment], hr: User, day) -> Gathering:
    """The start-up gathering five weeks ago: attendance, status reports before it and
    bring-it-home tasks after it."""
    held_on = _weekday(day(STARTUP))
    gathering = Gathering.objects.create(
        programme=programme,
        kind=Gathering.Kind.STARTUP,
        title="Oppstartssamling",
        starts_at=_at(held_on, 9),
        ends_at=_at(held_on, 15),
        place="Elvedal rådhus, kommunestyresalen",
        description=(
            "Felles oppstart for alle enhetene i programmet: metoden, temaene og nettverkene. "
            "Teamene bruker dagen på å bli kjent og på å tenke gjennom hva de vil lære."
        ),
        status_reports_due=held_on - datetime.timedelta(days=4),
    )
    _agenda(
        gathering,
        [
            (K.INFORMATION, "Velkommen, hensikten med programmet", (9, 0), 30, "Hanne Rød, HR"),
            (
                K.EXPERT_INPUT,
                "Kollegalæring: de sju fasene og hva de krever av lederen",
                (9, 30),
                60,
                "Solveig Berg, høgskolelektor",
            ),
            (K.BREAK, "Pause", (10, 30), 15, ""),
            (
                K.GROUP_WORK,
                "Hva vil vi bli bedre på? Første ideer i teamet",
                (10, 45),
                60,
                "Teamene",
            ),
            (K.BREAK, "Lunsj", (11, 45), 45, ""),
            (
                K.EXPERT_INPUT,
                "Ernæring, velferdsteknologi og pasientsikkerhet – hva vet vi?",
                (12, 30),
                45,
                "Kommunalsjef helse og omsorg",
            ),
            (K.GROUP_WORK, "Bli kjent i nettverket ditt", (13, 15), 60, "Nettverkene"),
            (K.REFLECTION, "Hva tar vi med hjem?", (14, 15), 45, "Hanne Rød, HR"),
        ],
    )
    Material.objects.create(
        gathering=gathering,
        title="KS: Helse og omsorg – kompetanse og kvalitet",
        url="https://www.ks.no/fagomrader/helse-og-omsorg/",
    )
    Material.objects.create(
        gathering=gathering,
        title="Pasientsikkerhetsprogrammet I trygge hender 24-7",
        url="https://www.itryggehender24-7.no/",
    )

    present = set()
    for item in UNITS:
        if not item.network or item.attended == "absent":
            continue
        enrolment = enrolments[item.unit]
        for member in enrolment.team.all():
            if item.attended == "without_leader" and member.role == ROLE.LEADER:
                continue
            present.add((enrolment.pk, member.user_id, member.role))
    services.register_attendance(gathering, present=present, actor=hr)
    Attendance.objects.filter(gathering=gathering).update(registered_at=_at(held_on, 15, 40))

    for item in UNITS:
        if item.startup_report:
            _report(enrolments[item.unit], gathering, item.startup_report, held_on, -9)

    services.create_bring_home_tasks(gathering, what=BRING_HOME)
    for index, item in enumerate(UNITS):
        if not item.brought_home:
            continue
        task = BringHomeTask.objects.get(gathering=gathering, enrolment=enrolments[item.unit])
        leader = _leader(task.enrolment.unit)
        services.confirm_bring_home(task, actor=leader, note=item.brought_home)
        confirmed_on = _weekday(held_on + datetime.timedelta(days=5 + index % 8))
        BringHomeTask.objects.filter(pk=task.pk).update(confirmed_at=_at(confirmed_on, 15, 5))
    return gathering


def _report(enrolment: Enrolment, gathering, texts, before: datetime.date, days: int) -> None:
    """A status report written by the team's resource person ``days`` before ``before``."""
    what_we_did, where_we_are, what_we_need = texts
    author = enrolment.team.filter(role=ROLE.RESOURCE).first().user
    written_on = _weekday(before + datetime.timedelta(days=days + enrolment.pk % 3))
    StatusReport.objects.create(
        enrolment=enrolment,
        gathering=gathering,
        what_we_did=what_we_did,
        where_we_are=where_we_are,
        what_we_need=what_we_need,
        author=author,
        created_at=_at(min(written_on, timezone.localdate()), 14, 10),
    )


def _network_gatherings(programme, networks: dict[str, Network], day) -> dict[str, Gathering]:
    """Each network's next gathering: Nord meets at Fjordnes sjukeheim, Sør on video."""
    nord_on, sor_on = _weekday(day(NORD_MEETS)), _weekday(day(SOR_MEETS))
    nord = Gathering.objects.create(
        programme=programme,
        network=networks[NORD],
        kind=Gathering.Kind.NETWORK,
        title="Nettverkssamling 1 – Nord",
        starts_at=_at(nord_on, 9),
        ends_at=_at(nord_on, 14),
        place="Fjordnes sjukeheim, møterommet i 2. etasje",
        description=(
            "Statusrunde, kritisk venn-runde to og to, og faglig påfyll om å gå fra "
            "læringsbehov til læringspunkter."
        ),
        status_reports_due=nord_on - datetime.timedelta(days=5),
    )
    _agenda(
        nord,
        [
            (K.INFORMATION, "Velkommen og dagens plan", (9, 0), 15, "Hanne Rød, HR"),
            (K.STATUS_ROUND, "", (9, 15), 10, ""),
            (K.BREAK, "Pause", (10, 15), 15, ""),
            (K.CRITICAL_FRIEND, "Kritisk venn-runde: to og to enheter", (10, 30), 60, "Teamene"),
            (K.BREAK, "Lunsj", (11, 30), 30, ""),
            (
                K.EXPERT_INPUT,
                "Fra læringsbehov til læringspunkter",
                (12, 0),
                45,
                "Solveig Berg, høgskolelektor",
            ),
            (K.GROUP_WORK, "Hvem vil vi lære av? Planlegg besøket", (12, 45), 45, "Teamene"),
            (K.REFLECTION, "Refleksjon og veien videre", (13, 30), 30, "Hanne Rød, HR"),
        ],
    )
    Material.objects.create(
        gathering=nord,
        title="Kosthåndboken – veileder i ernæringsarbeid",
        url="https://www.helsedirektoratet.no/veiledere/kosthandboken",
    )
    Material.objects.create(
        gathering=nord,
        title="KS: Helse og omsorg",
        url="https://www.ks.no/fagomrader/helse-og-omsorg/",
    )
    sor = Gathering.objects.create(
        programme=programme,
        network=networks[SOR],
        kind=Gathering.Kind.NETWORK,
        title="Nettverkssamling 1 – Sør (video)",
        starts_at=_at(sor_on, 9),
        ends_at=_at(sor_on, 12),
        video_link="https://video.elvedal.kommune.no/nettverk-sor",
        description=(
            "Videomøte med statusrunde og kritisk venn i grupperom. Bjørkheim deler erfaringer "
            "med velferdsteknologi."
        ),
        status_reports_due=sor_on - datetime.timedelta(days=5),
    )
    _agenda(
        sor,
        [
            (K.INFORMATION, "Velkommen – slik bruker vi videomøtet", (9, 0), 10, "Hanne Rød, HR"),
            (K.STATUS_ROUND, "", (9, 10), 8, ""),
            (K.BREAK, "Pause", (9, 58), 12, ""),
            (K.CRITICAL_FRIEND, "Kritisk venn i grupperom", (10, 10), 50, "Teamene"),
            (
                K.EXPERT_INPUT,
                "Velferdsteknologi i praksis – erfaringer fra Bjørkheim",
                (11, 0),
                30,
                "Bjørkheim bo- og tjenestested",
            ),
            (K.REFLECTION, "Hva tar vi med hjem?", (11, 30), 30, "Hanne Rød, HR"),
        ],
    )
    Material.objects.create(
        gathering=sor,
        title="Helsedirektoratet: Velferdsteknologi",
        url="https://www.helsedirektoratet.no/tema/velferdsteknologi",
    )
    Material.objects.create(
        gathering=sor,
        title="I trygge hender 24-7: Forebygging av fall",
        url="https://www.itryggehender24-7.no/",
    )
    return {NORD: nord, SOR: sor}


def _work(programme, enrolments, upcoming: dict[str, Gathering], hr: User, day) -> None:
    """The survey everyone was given after the start-up gathering, pre-work for each
    network's next gathering, and the status reports written for them so far."""
    created_on = _weekday(day(STARTUP + 1))
    survey = Assignment.objects.create(
        programme=programme,
        title="Kartlegg behov i egen enhet",
        instructions=SURVEY_INSTRUCTIONS,
        due_date=_weekday(day(SURVEY_DUE)),
    )
    Assignment.objects.filter(pk=survey.pk).update(created_at=_at(created_on, 12))
    due = survey.due_date
    submitted_on = {
        "on_time": due - datetime.timedelta(days=2),
        "seen": due - datetime.timedelta(days=4),
        "commented": due - datetime.timedelta(days=6),
        "late": due + datetime.timedelta(days=3),
    }
    for index, item in enumerate(UNITS):
        if not item.survey:
            continue
        enrolment = enrolments[item.unit]
        on = min(submitted_on[item.survey_state] + datetime.timedelta(days=index % 2), day(-1))
        submission = _submit(survey, enrolment, item.survey, on)
        if item.survey_state in ("seen", "commented"):
            services.mark_seen(submission)
            seen_at = _at(min(on + datetime.timedelta(days=2), day(-1)), 9, 30)
            Submission.objects.filter(pk=submission.pk).update(seen_at=seen_at)
        if item.survey_state == "commented":
            submission.refresh_from_db()
            services.give_feedback(submission, text=item.feedback, actor=hr)
            feedback_at = _at(min(on + datetime.timedelta(days=3), day(-1)), 11, 15)
            Submission.objects.filter(pk=submission.pk).update(feedback_at=feedback_at)

    for name, gathering in upcoming.items():
        meets = timezone.localtime(gathering.starts_at).date()
        prework = Assignment.objects.create(
            programme=programme,
            gathering=gathering,
            network=gathering.network,
            title=f"Forbered kritisk venn-runden ({name})",
            instructions=PREWORK_INSTRUCTIONS,
            due_date=meets - datetime.timedelta(days=3),
        )
        prework.full_clean()
        Assignment.objects.filter(pk=prework.pk).update(created_at=_at(day(-6), 12))
        for item in UNITS:
            if item.network == name and item.prework:
                _submit(prework, enrolments[item.unit], item.prework, day(-2 + len(item.unit) % 2))
            if item.network == name and item.next_report:
                _report(enrolments[item.unit], gathering, item.next_report, day(0), -3)


def _submit(assignment: Assignment, enrolment: Enrolment, text: str, on) -> Submission:
    """The answer, sent by the team's resource person."""
    author = enrolment.team.filter(role=ROLE.RESOURCE).first().user
    return Submission.objects.create(
        assignment=assignment,
        enrolment=enrolment,
        text=text,
        submitted_by=author,
        submitted_at=_at(on, 14, 30),
    )
