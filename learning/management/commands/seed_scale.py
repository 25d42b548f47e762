"""Build a large, believable municipality for benchmarks.

    python manage.py seed_scale --units 1000 --people 20000 [--seed 1] [--replace]

"Storby kommune (skala)" gets a unit tree (a handful of sectors, enterprises and
their departments), people with memberships and municipality roles, about two
cycles per unit spread over the seven phases and the four statuses, with their
phase plans, timeline, implementation-plan tasks, ideas with votes, introduction
meetings, agreement with the need, learning points with decisions and personal
goals, and the phase 7 evaluation; a practice register with a published practice
in about one unit in three; visits between units in every state, with observers,
observation notes, reflections, feedback and sharing sessions; about ten staff
reflections per person, most of them private; one network programme per twenty
units, each a year of gatherings (about forty) with agendas, attendance, work
between gatherings, submissions, status reports and bring-it-home tasks; surveys
from the question bank with their answers; some people's notification
preferences; and about five notifications per person, written and sent as the
reminder sweep and the visit and phase events would have. That is everything the
reminder sweep (``programmes/reminders.py``) and the daily pages read. Dates lie
around today, so the sweep always finds work: each cycle's current phase is due
within 60 days either side of today, and its other phases follow at the default
phase lengths.

Everything is inserted with ``bulk_create`` in batches, never through the
per-object services (``start_cycle``, ``decide``, the visit workflow), which
would take hours at this size. The same ``--seed`` gives the same data (apart
from generated tokens and today's date). ``--replace`` deletes the previous scale
municipality and everything in it first; without it the command refuses to run
twice. Other municipalities are never touched.

Each area is one ``build_*`` function fed by the shared ``Scale`` state; the
builders keep what later ones need on the objects they create (a cycle's phase
plans, a gathering's invited units) rather than reading it back.
"""

from __future__ import annotations

import datetime
import random
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import NamedTuple

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.urls import reverse
from django.utils import timezone, translation
from stdnum.no import orgnr

from evaluation.models import (
    Answer,
    Audience,
    Evaluation,
    Question,
    Respondent,
    Response,
    Survey,
    SurveyQuestion,
)
from evaluation.models import Scale as AnswerScale
from evaluation.scales import SCALE_OPTIONS
from evaluation.surveys import sync_question_bank
from learning.models import (
    Cycle,
    CycleEvent,
    Idea,
    IdeaVote,
    IntroductionMeeting,
    LearningPoint,
    Membership,
    Municipality,
    MunicipalityRole,
    NeedAgreement,
    ObservationNote,
    PersonalGoal,
    Phase,
    PhasePlan,
    Practice,
    Reflection,
    SharingSession,
    Task,
    Unit,
    User,
    Visit,
    VisitFeedback,
    VisitReflection,
)
from learning.phases import DEFAULT_PHASE_WEEKS, PLAN_TEMPLATE, REQUIREMENTS
from learning.reflections import KOLB_PROMPTS, PHASE_PROMPTS
from programmes import outbox
from programmes.models import (
    AgendaItem,
    Assignment,
    Attendance,
    BringHomeTask,
    Delivery,
    Enrolment,
    Gathering,
    Kind,
    Network,
    Notification,
    NotificationPreference,
    Programme,
    ReminderSetting,
    StatusReport,
    Submission,
    TeamMember,
)
from programmes.reminders import EVENT, RULES

SCALE_NAME = "Storby kommune (skala)"
EMAIL_DOMAIN = "storby.kommune.no"
BATCH_SIZE = 2000
UNITS_PER_ENTERPRISE = 8  # an enterprise and its departments
UNITS_PER_PROGRAMME = 20
PROGRAMMES = 50  # at most
UNITS_PER_NETWORK = 6
GATHERINGS_PER_PROGRAMME = 40
REFLECTIONS_PER_PERSON = 10
NOTIFICATIONS_PER_PERSON = 5
PHASE_DUE_DAYS = (14, 7)  # the scale municipality's own setting for phase reminders

T = Unit.UnitType

# name, share of the enterprises, enterprise types
SECTORS = [
    ("Oppvekst", 0.40, [T.SCHOOL, T.KINDERGARTEN]),
    ("Helse og omsorg", 0.38, [T.NURSING_HOME, T.HOME_CARE, T.HEALTH_STATION, T.SUPPORTED_HOUSING]),
    ("Velferd", 0.08, [T.NAV, T.OTHER]),
    ("Teknisk", 0.08, [T.TECHNICAL]),
    ("Stab og støtte", 0.06, [T.STAFF_FUNCTION]),
]
ENTERPRISE_NAMES = {
    T.SCHOOL: "{place} skole",
    T.KINDERGARTEN: "{place} barnehage",
    T.NURSING_HOME: "{place} sykehjem",
    T.HOME_CARE: "Hjemmetjenesten {place}",
    T.HEALTH_STATION: "{place} helsestasjon",
    T.SUPPORTED_HOUSING: "{place} bo- og tjenestested",
    T.NAV: "NAV {place}",
    T.OTHER: "{place} aktivitetssenter",
    T.TECHNICAL: "Teknisk drift {place}",
    T.STAFF_FUNCTION: "Stab {place}",
}
DEPARTMENT_NAMES = {
    T.SCHOOL: ["1.–4. trinn", "5.–7. trinn", "8.–10. trinn", "Forsterket avdeling", "SFO"],
    T.KINDERGARTEN: ["Blåklokka", "Solsikken", "Maurtua", "Ekornet", "Revebjella", "Trollskogen"],
    T.NURSING_HOME: ["Skjermet enhet", "Korttid", "Langtid 1", "Langtid 2", "Rehabilitering"],
    T.HOME_CARE: ["Sone nord", "Sone sør", "Sone øst", "Sone vest", "Nattpatruljen"],
    T.HEALTH_STATION: ["0–5 år", "Skolehelsetjenesten", "Jordmortjenesten"],
    T.SUPPORTED_HOUSING: ["Bolig A", "Bolig B", "Bolig C", "Avlastning"],
    T.NAV: ["Mottak", "Oppfølging", "Ungdomsteam"],
    T.OTHER: ["Dagsenter", "Frivilligsentral"],
    T.TECHNICAL: ["Vei", "Vann og avløp", "Eiendom", "Renhold"],
    T.STAFF_FUNCTION: ["HR", "Økonomi", "IKT", "Dokumentsenter"],
}
PLACES = [
    "Nordby", "Sørli", "Åsen", "Bakke", "Haugen", "Lia", "Moen", "Berg", "Dal", "Eikeli",
    "Fjellheim", "Granli", "Holt", "Jordet", "Kleiva", "Lunde", "Myra", "Nes", "Rud", "Sand",
    "Tangen", "Vik", "Øvre Storby", "Nedre Storby", "Sentrum", "Solbakken", "Elvebakken",
    "Furulund", "Skogly", "Bjørkeli", "Engen", "Kirkebakken", "Havna", "Strand", "Torget",
    "Brekke", "Hovden", "Lindeberg", "Rosenhaug", "Sjøsiden", "Fagerlia", "Kvernhuset",
    "Stasjonsbyen", "Ekeberg", "Vestby", "Østby", "Lerkendal", "Risvollan", "Hallset", "Tiller",
]  # fmt: skip
FIRST_NAMES = [
    "Anne", "Kari", "Ingrid", "Marit", "Liv", "Hilde", "Silje", "Ida", "Nora", "Emma", "Sara",
    "Maja", "Ole", "Lars", "Per", "Jan", "Knut", "Bjørn", "Arne", "Tor", "Erik", "Hans", "Magnus",
    "Jonas", "Emil", "Sander", "Aisha", "Fatima", "Ali", "Mohammed", "Piotr", "Agnieszka",
    "Tomas", "Linh", "Mariam", "Astrid", "Solveig", "Sigrid", "Eirik", "Håkon", "Even", "Vilde",
    "Tuva", "Siri", "Gunnar", "Åse", "Randi", "Turid", "Kjersti", "Torunn",
]  # fmt: skip
LAST_NAMES = [
    "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen",
    "Jensen", "Karlsen", "Johnsen", "Pettersen", "Eriksen", "Berg", "Haugen", "Hagen", "Dahl",
    "Jørgensen", "Halvorsen", "Henriksen", "Lund", "Sørensen", "Jakobsen", "Moen", "Gundersen",
    "Iversen", "Strand", "Solberg", "Svendsen", "Eide", "Knutsen", "Martinsen", "Paulsen",
    "Bakken", "Mathisen", "Lie", "Amundsen", "Nguyen", "Rasmussen", "Lunde", "Solheim", "Berge",
    "Nygård", "Bakke", "Kowalski", "Ahmed", "Haugland", "Aasen", "Tveit", "Myhre",
]  # fmt: skip
TOPICS = [
    "Trygg legemiddelhåndtering", "Gode måltider", "Vurdering for læring", "Lek og læring ute",
    "Hverdagsrehabilitering", "Velferdsteknologi i hverdagen", "Trygg overlevering mellom vakter",
    "Samarbeid med foreldre", "Leseløft på mellomtrinnet", "Færre fall", "Samarbeid med pårørende",
    "Tverrfaglige møter som virker", "Gode digitale søknader", "Mottak av nyansatte",
    "Språkstimulering", "Klasseledelse", "Demensomsorg etter ABC", "Miljøterapi i bolig",
    "Nærvær og trivsel", "Tidlig innsats", "Smittevern i praksis", "Brukermedvirkning",
    "Vernerunder som gir læring", "Overgangen barnehage–skole", "Ernæring for eldre",
    "Mestringsorientert praksis", "Avvik som læring", "God dokumentasjon", "Korte morgenmøter",
]  # fmt: skip
IDEAS = [
    "Vi bruker mye tid på å lete etter utstyr. Kan vi lære av en enhet som har orden på det?",
    "Nye kolleger får ulik opplæring avhengig av vakt. Vi trenger en felles plan.",
    "Rapporten ved vaktskifte blir lang og uklar. Hvordan gjør andre det?",
    "Måltidene er travle. Kan vi skape mer ro rundt bordet?",
    "Foreldremøtene engasjerer få. Noen andre må ha funnet en bedre form.",
    "Vi skriver avvik, men ser sjelden hva de fører til.",
    "Mange avbrytelser under medisinutdeling. Vi vil lære av en enhet som har løst det.",
    "Vi har fått nytt fagsystem, men bruker bare en del av det.",
    "Uteområdet brukes lite om vinteren.",
    "Vi vil bli bedre til å gi hverandre tilbakemeldinger.",
]
FOCUS_QUESTIONS = [
    "Hva gjør de som gjør at det fungerer?",
    "Hvordan skaper de ro i overgangene?",
    "Hvordan sikrer de at alle gjør det likt, også på kveld og i helg?",
    "Hva gjør lederen for at de nye rutinene holder over tid?",
    "Hvordan involverer de brukerne i arbeidet?",
    "Hvordan bruker de de første ti minuttene av dagen?",
    "Hvordan får nye kolleger opplæring i rutinen?",
]
LEARNING_POINTS = [
    (
        "Tydelige roller",
        "Hvem gjør hva, og hvordan det avtales i starten av vakta.",
        "Å fordele roller raskt og tydelig.",
        "Vi prøver faste roller i to uker og tar det opp på personalmøtet.",
    ),
    (
        "Rolige overganger",
        "Hva de gjør før, under og etter overgangene.",
        "Signaler og rutiner som gir ro.",
        "Vi øver på én overgang om gangen, med en kollega som observerer.",
    ),
    (
        "Felles struktur for rapport",
        "Hvordan de gir og tar imot rapport ved vaktskifte.",
        "En fast struktur for muntlig rapport (ISBAR).",
        "Vi lager et lommekort og øver i par på fagmøtet.",
    ),
    (
        "Medvirkning",
        "Hvordan brukerne og barna får si sin mening.",
        "Enkle måter å spørre på i hverdagen.",
        "Vi prøver spørsmålene i hverdagen og deler erfaringer hver fredag.",
    ),
    (
        "Oppfølging av nye kolleger",
        "Hvordan nye får opplæring de første ukene.",
        "En plan og en fadder for de første seks ukene.",
        "Hver ny kollega får en fadder og en sjekkliste.",
    ),
    (
        "Korte møter som virker",
        "Hvordan morgenmøtet er bygd opp, og hvor lenge det varer.",
        "Å holde møtet kort og konkret.",
        "Vi prøver tavlemøte på ti minutter hver morgen.",
    ),
    (
        "Dokumentasjon som brukes",
        "Når og hvordan de dokumenterer, og hvem som leser det.",
        "Å skrive kort og presist.",
        "Vi går gjennom eksempler sammen på fagmøtet.",
    ),
    (
        "Uforstyrret medisinutdeling",
        "Hvordan de unngår avbrytelser når medisinene deles ut.",
        "Rutiner for dobbeltkontroll og ro.",
        "Vi innfører rødt forkle under utdeling og evaluerer etter en måned.",
    ),
    (
        "Lystbetont lesing",
        "Hvordan de bruker lesing i ulike aktiviteter.",
        "Metoder som gir barna lyst til å lese.",
        "Vi prøver lesevenner to dager i uka.",
    ),
]
DECISION_REASONS = {
    LearningPoint.Decision.ADOPT: "Det fungerte godt, og alle ser nytten.",
    LearningPoint.Decision.ADJUST: "Vi beholder ideen, men tilpasser den til våre vakter.",
    LearningPoint.Decision.DROP: "Det passet ikke hos oss nå; vi tar det opp igjen til høsten.",
}
PERSONAL_GOALS = [
    "Jeg vil bli tryggere på å gi muntlig rapport.",
    "Jeg vil prøve én ny ting hver uke og skrive ned hva som skjedde.",
    "Jeg vil be en kollega om tilbakemelding en gang i uka.",
    "Jeg vil bli bedre til å lytte før jeg foreslår løsninger.",
    "Jeg vil bruke lommekortet hver dag i en måned.",
    "Jeg vil lære meg å lede morgenmøtet.",
]
OBSERVATIONS = [
    "De startet med en kort runde der alle sa hva de skulle gjøre.",
    "Lederen var til stede, men lot de ansatte lede.",
    "Det var lite venting; alt utstyr lå klart.",
    "De brukte en tavle med dagens oppgaver, og alle så på den.",
    "Overgangene ble varslet med et fast signal.",
    "Ingen ble avbrutt under medisinutdelingen.",
    "De ga hverandre ros underveis, også for små ting.",
    "Rapporten fulgte samme rekkefølge hver gang.",
    "Brukerne ble spurt før noe skjedde.",
    "Det var tydelig hvem som hadde ansvar for hva.",
]
# Staff reflections: answers to the phase's question and to Kolb's four, and own words.
PHASE_ANSWERS = {
    Phase.ANCHORING: [
        "Jeg tror det kan være nyttig å lære av andre.",
        "Jeg er litt usikker på om vi har tid, men vil prøve.",
        "Det er fint at vi bestemmer dette sammen.",
    ],
    Phase.NEEDS: [
        "Jeg vil bli bedre på {topic}.",
        "Jeg vil bli tryggere i overgangene mellom vaktene.",
        "Jeg vil lære å gi bedre tilbakemeldinger.",
    ],
    Phase.LEARNING_POINTS: [
        "Jeg vil lære hvordan de holder rutinen ved like over tid.",
        "Læringspunktet om roller er det viktigste for meg.",
        "Jeg vil se hvordan de snakker med brukerne.",
    ],
    Phase.BEST_PRACTICE: [
        "Jeg har hørt at de har gode erfaringer med {topic}.",
        "En tidligere kollega jobber der og sier de har fått det til.",
        "Vi fant dem i praksisregisteret.",
    ],
    Phase.OBSERVATION: [
        "Faste roller og en rolig start på dagen.",
        "Måten de bruker tavla på, kan vi ta med hjem.",
        "At de gir hverandre ros underveis.",
    ],
    Phase.IMPLEMENTATION: [
        "Jeg har prøvd den nye rutinen på tre vakter, og det gikk stort sett bra.",
        "Vi har prøvd det på morgenmøtet; det tar tid å venne seg til.",
        "Det fungerer bedre på dagtid enn på kveld.",
    ],
    Phase.EVALUATION: [
        "Jeg har lært at små grep kan gi mye.",
        "Jeg har lært mye om {topic} og om å samarbeide.",
        "Jeg har lært å spørre kolleger oftere.",
    ],
}
KOLB_ANSWERS = [
    [
        "På morgenmøtet snakket vi om {topic}.",
        "I dag prøvde vi det nye opplegget for første gang.",
        "Jeg så at kollegene mine gjorde det litt ulikt.",
        "Vi hadde en travel vakt, og rutinen ble satt på prøve.",
        "En kollega viste meg hvordan hun gjør det.",
        "Vi gikk gjennom læringspunktene på personalmøtet.",
        "Det kom opp en uenighet om hvordan vi skal gjøre dette.",
    ],
    [
        "Det ga mer ro, og vi brukte mindre tid på å lete.",
        "Flere sa ifra når noe var uklart.",
        "Vi fikk en god samtale om hvorfor vi gjør som vi gjør.",
        "Det ble litt kaos i starten, men bedre etter hvert.",
        "Brukerne virket tryggere.",
        "Vi ble enige om å prøve i to uker til.",
    ],
    [
        "Små grep kan gi mye.",
        "Det er viktig at alle vet hvorfor vi endrer noe.",
        "Vi trenger faste rutiner, men også rom for skjønn.",
        "Typisk for oss er at vi hjelper hverandre, men glemmer å si det høyt.",
        "Tilbakemelding fra kolleger er mer nyttig enn jeg trodde.",
        "Arbeidet med {topic} handler mer om samarbeid enn om skjema.",
    ],
    [
        "Neste gang vil jeg si tydeligere hva jeg trenger.",
        "Jeg vil prøve rutinen på kveldsvakt også.",
        "Jeg vil spørre en kollega om å observere meg.",
        "Vi bør ta dette opp på neste personalmøte.",
        "Jeg vil skrive ned hva som fungerer, så vi kan dele det.",
    ],
]
FREE_TEXTS = [
    "Bra dag i dag.",
    "Dette må vi snakke mer om.",
    "Jeg savner tid til å reflektere sammen.",
    "Fint å se at det virker.",
    "Vi må huske å ta med dem som jobber natt.",
    "Skrevet rett etter vakta.",
    "Jeg er spent på hva de andre synes.",
]
# The practice register: unit types, title, themes, description.
HEALTH_CARE = (T.NURSING_HOME, T.HOME_CARE, T.SUPPORTED_HOUSING)
EVERY_TYPE = tuple(T)
PRACTICES = [
    (
        HEALTH_CARE,
        "ISBAR ved vaktskifte",
        "ISBAR, rapport, vaktskifte, pasientsikkerhet",
        "Vi gir muntlig rapport etter ISBAR: identifikasjon, situasjon, bakgrunn, aktuell "
        "vurdering og råd. Rapporten tar kortere tid, og færre beskjeder blir borte.",
    ),
    (
        HEALTH_CARE,
        "Trygg legemiddelhåndtering med dobbeltkontroll",
        "legemiddelhåndtering, dobbeltkontroll, avvik, pasientsikkerhet",
        "To sjekker medisinene sammen før utdeling, og avvik i legemiddelhåndteringen "
        "gjennomgås på fagmøtet hver måned. Avvikene er halvert på et år.",
    ),
    (
        HEALTH_CARE,
        "Forstyrrelsesfri medisinrunde",
        "legemiddelhåndtering, medisinrunde, rødt forkle",
        "Den som deler ut medisiner, bruker rødt forkle og skal ikke forstyrres. Kollegene "
        "tar telefoner og spørsmål imens.",
    ),
    (
        (T.HOME_CARE, T.NURSING_HOME),
        "Digitalt tilsyn om natten",
        "velferdsteknologi, digitalt tilsyn, nattevakt, sensor",
        "Beboere som ønsker det, har sensor i stedet for tilsyn hver time. De sover bedre, og "
        "nattevakta bruker tiden der den trengs. Velferdsteknologi som gir ro.",
    ),
    (
        (T.HOME_CARE,),
        "Medisindispenser hjemme",
        "velferdsteknologi, legemiddelhåndtering, mestring",
        "Brukerne får medisinene fra en digital dispenser som varsler hvis en dose ikke tas. "
        "Vi kommer når det trengs, ikke bare for å levere tabletter.",
    ),
    (
        (T.NURSING_HOME, T.SUPPORTED_HOUSING),
        "Måltidsvert i fellesstua",
        "måltid, ernæring, demens, trivsel",
        "En ansatt er måltidsvert og sitter med beboerne hele måltidet. Det gir ro rundt "
        "bordet, og beboerne spiser mer.",
    ),
    (
        (T.HOME_CARE, T.NURSING_HOME),
        "Hverdagsrehabilitering fra første dag",
        "hverdagsrehabilitering, mestring, brukermedvirkning",
        "Vi spør hva som er viktig for brukeren, og trener på det i hverdagen sammen med "
        "fysioterapeut.",
    ),
    (
        (T.NURSING_HOME,),
        "Færre fall med enkle grep",
        "fall, fallforebygging, pasientsikkerhet",
        "Sklisikre sokker, lys om natten og en fast gjennomgang av medisinene har gitt færre fall.",
    ),
    (
        (T.SUPPORTED_HOUSING,),
        "Miljøterapi med faste dagsplaner",
        "miljøterapi, struktur, dagsplan, brukermedvirkning",
        "Hver beboer har en visuell dagsplan laget sammen med dem. Det gir forutsigbarhet og "
        "færre konflikter.",
    ),
    (
        (T.HEALTH_STATION,),
        "Hjemmebesøk med tolk",
        "tolk, foreldresamarbeid, helsestasjon",
        "Vi bestiller tolk til alle hjemmebesøk der foreldrene ønsker det, og bruker en fast "
        "sjekkliste.",
    ),
    (
        (T.HEALTH_STATION, T.KINDERGARTEN),
        "Språkstimulering fra tidlig alder",
        "språk, språkstimulering, lesing, foreldresamarbeid",
        "Foreldre får bøker og tips til høytlesing, og vi følger opp språket sammen med "
        "barnehagen.",
    ),
    (
        (T.SCHOOL,),
        "Lesing i alle fag",
        "lesing, leseforståelse, tilpasset opplæring",
        "Alle lærere bruker de samme lesestrategiene i sine fag. Elevene lærer lesing av "
        "fagtekster, ikke bare skjønnlitteratur.",
    ),
    (
        (T.SCHOOL, T.AFTER_SCHOOL),
        "Lesevenner på tvers av trinn",
        "lesing, lesevenner, mellomtrinnet, SFO",
        "Eldre elever leser for og med yngre elever to ganger i uka. Begge gruppene får mer "
        "lyst til å lese.",
    ),
    (
        (T.SCHOOL,),
        "Klasseledelse med rolige overganger",
        "klasseledelse, overganger, relasjoner",
        "Vi har felles signaler og rutiner for start og slutt på timene. Det gir mer tid til "
        "læring.",
    ),
    (
        (T.SCHOOL,),
        "Vurdering for læring med exit-lapper",
        "vurdering for læring, tilbakemelding, elevmedvirkning",
        "Elevene skriver hva de lærte og hva som var vanskelig på slutten av timen. Læreren "
        "bruker det til å planlegge neste time.",
    ),
    (
        (T.KINDERGARTEN,),
        "Dialogisk lesing i små grupper",
        "lesing, dialogisk lesing, språk, samlingsstund",
        "Vi leser i grupper på fire barn og stiller åpne spørsmål underveis. Barna snakker mer "
        "og bruker nye ord.",
    ),
    (
        (T.KINDERGARTEN, T.AFTER_SCHOOL),
        "Lek og læring ute hele året",
        "lek og læring ute, uteområde, friluftsliv",
        "Vi bruker uteområdet som klasserom også om vinteren, med faste stasjoner for lek og "
        "læring.",
    ),
    (
        (T.KINDERGARTEN,),
        "Trygg tilvenning",
        "tilvenning, foreldresamarbeid, trygghet",
        "Foreldrene er med de første tre dagene, og barnet har en fast primærkontakt.",
    ),
    (
        (T.NAV,),
        "Korte morgenmøter i mottaket",
        "morgenmøte, veiledning, samhandling",
        "Hver morgen går vi gjennom dagens avtaler på ti minutter ved tavla. Ingen går fra "
        "mottaket uten et svar.",
    ),
    (
        (T.NAV,),
        "Ungdomsteam med fast kontakt",
        "ungdom, oppfølging, arbeid og aktivitet",
        "Hver ungdom har én fast veileder som følger opp tett de første ukene.",
    ),
    (
        (T.TECHNICAL,),
        "Vernerunder som gir læring",
        "vernerunde, HMS, avvik, forbedring",
        "Vernerundene avsluttes med en kort samtale om hva vi lærte, og tiltakene følges opp "
        "på morgenmøtet.",
    ),
    (
        (T.TECHNICAL,),
        "Morgenmøte med dagens oppdrag",
        "morgenmøte, planlegging, arbeidsordre",
        "Driftsteamet går gjennom dagens arbeidsordrer sammen før de drar ut. Færre bomturer "
        "og mindre dobbeltarbeid.",
    ),
    (
        (T.STAFF_FUNCTION, T.OTHER),
        "Mottak av nyansatte med fadder",
        "nyansatte, opplæring, fadder",
        "Alle nyansatte får en fadder og en plan for de første seks ukene.",
    ),
    (
        (T.STAFF_FUNCTION,),
        "Digital saksbehandling uten papir",
        "digitalisering, saksbehandling, arkiv",
        "Vi har gått over til helt digital saksbehandling, med korte opplæringsvideoer for nye "
        "brukere.",
    ),
    (
        EVERY_TYPE,
        "Korte morgenmøter ved tavla",
        "morgenmøte, tavlemøte, forbedringsarbeid",
        "Ti minutter ved tavla hver morgen: hvem gjør hva i dag, og hva vi har lært siden i går.",
    ),
    (
        EVERY_TYPE,
        "Avvik som læring",
        "avvik, læring, forbedring",
        "Vi går gjennom ett avvik på hvert personalmøte og spør hva vi kan lære av det, ikke "
        "hvem som gjorde feil.",
    ),
    (
        (T.OTHER,),
        "Frivillige som ressurs i dagsenteret",
        "frivillighet, aktivitet, trivsel",
        "Frivillige har faste aktiviteter hver uke, og de ansatte har en kontaktperson for dem.",
    ),
    (
        (T.HOME_CARE,),
        "ISBAR i samtalen med legevakta",
        "ISBAR, samhandling, legevakt",
        "Når vi ringer legevakt eller fastlege, bruker vi ISBAR. Legene sier at beskjedene er "
        "tydeligere.",
    ),
]
PRACTICES_BY_TYPE = {
    unit_type: [practice for practice in PRACTICES if unit_type in practice[0]] for unit_type in T
}
PRACTICE_VISITS = [
    "Besøkende kan være med på en vanlig dag og snakke med de ansatte etterpå.",
    "Vi tar imot besøk på formiddagen, helst tirsdag eller torsdag.",
    "Ta kontakt for å avtale tid; vi viser gjerne hvordan vi jobber.",
    "Vi deler rutiner og maler med dem som vil prøve det samme.",
]
PROGRAMME_TITLES = [
    ("Kollegalæring i helse og omsorg", "pasientsikkerhet, hospitering", "Kommunalsjef helse"),
    ("Kollegalæring i oppvekst", "læringsmiljø, hospitering", "Kommunalsjef oppvekst"),
    ("Leder i læring", "ledelse, kollegalæring", "Kommunedirektøren"),
    ("Nærvær og arbeidsmiljø", "nærvær, arbeidsmiljø, partssamarbeid", "HR-sjefen"),
    ("Digital praksis", "digitalisering, velferdsteknologi", "Digitaliseringssjefen"),
    ("Trygg legemiddelhåndtering", "legemiddelhåndtering, pasientsikkerhet", "Kommuneoverlegen"),
    ("Leseløftet", "lesing, språk, tidlig innsats", "Kommunalsjef oppvekst"),
    ("Heltidskultur", "heltid, turnus, rekruttering", "HR-sjefen"),
]
NETWORK_NAMES = ["Nord", "Sør", "Øst", "Vest", "Sentrum", "Fjorden", "Åsen", "Elva"]
GATHERING_PLACES = [
    "Storby rådhus, Bystyresalen",
    "Kulturhuset, sal 2",
    "Storby bibliotek, møterommet Fjorden",
    "Storby helsehus, auditoriet",
    "Storby skole, personalrommet",
]
FAGDAG_TOPICS = [
    "Forbedringsarbeid i praksis",
    "Kritiske venner",
    "Å lede læring",
    "Å måle det som betyr noe",
    "Medvirkning",
    "Deling som virker",
]
AGENDAS = {
    Gathering.Kind.STARTUP: [
        (AgendaItem.Kind.INFORMATION, "Velkommen og mål for programmet", 30),
        (AgendaItem.Kind.EXPERT_INPUT, "Kollegalæring i sju faser", 60),
        (AgendaItem.Kind.BREAK, "Pause", 15),
        (AgendaItem.Kind.GROUP_WORK, "Enhetene lager sin første plan", 75),
        (AgendaItem.Kind.REFLECTION, "Oppsummering", 20),
    ],
    Gathering.Kind.NETWORK: [
        (AgendaItem.Kind.INFORMATION, "Velkommen", 10),
        (AgendaItem.Kind.STATUS_ROUND, "Statusrunde", 0),  # one slot per unit
        (AgendaItem.Kind.BREAK, "Pause", 15),
        (AgendaItem.Kind.CRITICAL_FRIEND, "Kritisk venn-runde", 45),
        (AgendaItem.Kind.REFLECTION, "Hva tar vi med hjem?", 20),
    ],
    Gathering.Kind.FAGDAG: [
        (AgendaItem.Kind.EXPERT_INPUT, "Innlegg", 60),
        (AgendaItem.Kind.BREAK, "Pause", 15),
        (AgendaItem.Kind.GROUP_WORK, "Gruppearbeid på tvers av nettverkene", 60),
        (AgendaItem.Kind.REFLECTION, "Refleksjon i plenum", 30),
    ],
    Gathering.Kind.FOLLOW_UP: [
        (AgendaItem.Kind.STATUS_ROUND, "Hva har vi fått til?", 60),
        (AgendaItem.Kind.GROUP_WORK, "Videreføring i enhetene", 60),
        (AgendaItem.Kind.INFORMATION, "Veien videre", 20),
    ],
}
PREWORK = [
    "Forarbeid: fokusspørsmål og læringspunkter",
    "Statusrapport til nettverkssamlingen",
    "Forbered en utfordring til kritisk venn-runden",
    "Del en erfaring fra hospiteringen",
]
SUBMISSION_TEXTS = [
    "Vi har drøftet dette på personalmøtet og ble enige om tre læringspunkter.",
    "Vedlagt er planen slik den ser ut nå. Vi er litt forsinket med hospiteringen.",
    "Vi har prøvd ut rutinen i to uker og ser allerede færre avbrytelser.",
    "Her er vårt svar. Vi ønsker innspill på hvordan vi kan involvere nattevakta.",
]
BRING_HOME = [
    "Dele det vi lærte på samlingen på neste personalmøte.",
    "Presentere kritisk venn-innspillene for resten av enheten.",
    "Prøve ut metoden fra fagdagen på morgenmøtet.",
    "Oppdatere planen etter innspillene fra nettverket.",
]
STATUS_REPORTS = [
    ("Vi har hatt to delingsmøter og prøvd ut den nye rutinen.", "Vi er i fase 6."),
    ("Vi har hospitert hos en annen enhet og skrevet tilbakemelding.", "Vi er i fase 5."),
    ("Vi har valgt læringsbehov og startet på læringspunktene.", "Vi er i fase 3."),
    ("Lite framdrift på grunn av sykefravær.", "Vi står fortsatt i samme fase."),
]
EVALUATION_TEXTS = {
    "experience": [
        "Det har vært lærerikt å se hvordan andre jobber, og hospiteringen ga mye.",
        "Metoden tok mer tid enn vi trodde, men alle har fått et eierforhold til endringen.",
    ],
    "why": [
        "Vi hadde et tydelig behov og god støtte fra lederen.",
        "Vi fikk god hjelp av vertsenheten, men sykefravær forsinket oss.",
    ],
    "evidence": [
        "Alle bruker nå samme struktur ved vaktskifte, og avvikene har gått ned.",
        "Kollegene forteller at de spør hverandre oftere og at møtene er kortere.",
    ],
    "lessons": [
        "Start i det små og del erfaringer ofte.",
        "Sett av tid til refleksjon rett etter hospiteringen.",
    ],
}
SURVEY_TEXTS = [
    "Vi har fått en felles forståelse av hva god praksis er.",
    "Hospiteringen ga oss mange ideer.",
    "Det var vanskelig å finne tid i en travel hverdag.",
    "Lederens støtte var avgjørende.",
    "Vi burde tatt med nattevakta tidligere.",
    "Andre kan lære av måten vi deler på morgenmøtet.",
    "Vi har blitt flinkere til å gi hverandre tilbakemeldinger.",
]
BOUNCE = "{email}: 550 5.1.1 <{email}>: Recipient address rejected: User unknown"
LANGUAGES = ["", User.Language.BOKMAL, User.Language.NYNORSK, User.Language.ENGLISH]
LANGUAGE_WEIGHTS = [45, 30, 15, 10]  # empty: the municipality's language form
CYCLE_STATUS_WEIGHTS = {
    Cycle.Status.ACTIVE: 60,
    Cycle.Status.PAUSED: 10,
    Cycle.Status.COMPLETED: 20,
    Cycle.Status.ENDED: 10,
}
DAY = datetime.timedelta(days=1)


def day_at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """A wall-clock time in the municipality's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def swept(day: datetime.date) -> datetime.datetime:
    """When the night's reminder sweep wrote the reminders whose day is ``day``."""
    return day_at(day, 0, 5)


def weekday(day: datetime.date) -> datetime.date:
    """The day, or the Monday after it if it falls on a weekend."""
    while day.weekday() >= 5:
        day += DAY
    return day


@contextmanager
def given_timestamps(*model_classes: type[models.Model]) -> Iterator[None]:
    """Let bulk_create keep the created_at the builder sets, which auto_now_add would overwrite.

    The sweep reads when an idea was raised and when a visit was requested, so these
    must lie in the past. Every object inserted meanwhile must set its timestamps.
    """
    fields = [
        f
        for model in model_classes
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False)
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


@dataclass
class WorkUnit:
    """An enterprise or department where people work, with who has which role there."""

    unit: Unit
    leaders: list[User] = field(default_factory=list)
    staff: list[User] = field(default_factory=list)
    cycles: list[Cycle] = field(default_factory=list)
    practices: list[Practice] = field(default_factory=list)

    @property
    def people(self) -> list[User]:
        return self.leaders + self.staff

    @property
    def active_leaders(self) -> list[User]:
        return [leader for leader in self.leaders if leader.is_active]


@dataclass
class Scale:
    """What the builders share: the random source, today, the new rows, and the counts."""

    rng: random.Random
    units: int
    people: int
    today: datetime.date = field(default_factory=timezone.localdate)
    now: datetime.datetime = field(default_factory=timezone.now)
    municipality: Municipality | None = None
    sectors: list[Unit] = field(default_factory=list)
    hr: User | None = None
    senior: User | None = None
    sector_leaders: list[User] = field(default_factory=list)
    work_units: list[WorkUnit] = field(default_factory=list)
    cycles: list[Cycle] = field(default_factory=list)
    events: list[CycleEvent] = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)
    programmes: list[Programme] = field(default_factory=list)
    gatherings: list[Gathering] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    bring_home: list[BringHomeTask] = field(default_factory=list)
    surveys: list[Survey] = field(default_factory=list)
    deliveries: dict[tuple[int, str], str] = field(default_factory=dict)
    counts: Counter = field(default_factory=Counter)
    _by_type: dict[str, list[WorkUnit]] = field(default_factory=dict)

    def insert(self, objs: Iterable[models.Model], label: str = "") -> list:
        """bulk_create in batches; on PostgreSQL and SQLite the objects get their ids back."""
        objs = list(objs)
        if objs:
            model = type(objs[0])
            model.objects.bulk_create(objs, batch_size=BATCH_SIZE)
            with translation.override("en"):
                self.counts[label or str(model._meta.verbose_name_plural)] += len(objs)
        return objs

    def day(self, offset: int) -> datetime.date:
        return self.today + datetime.timedelta(days=offset)

    def ago(self, days: float) -> datetime.datetime:
        return self.now - datetime.timedelta(days=days)

    def sample(self, items: Sequence, k: int) -> list:
        return self.rng.sample(list(items), min(k, len(items)))

    def moment(self, first: datetime.date, last: datetime.date) -> datetime.datetime:
        """A time in working hours on a day from ``first`` to ``last``, and before now."""
        rng = self.rng
        day = first + datetime.timedelta(days=rng.randint(0, max(0, (last - first).days)))
        when = day_at(day, rng.randint(8, 15), rng.randrange(0, 60, 5))
        return min(when, self.now - datetime.timedelta(minutes=rng.randint(5, 120)))

    def peer(self, work: WorkUnit) -> WorkUnit:
        """Another unit of the same type to learn from (or any other, if there is none)."""
        same = [w for w in self.by_type[work.unit.unit_type] if w is not work]
        return self.rng.choice(same or [w for w in self.work_units if w is not work])

    @property
    def by_type(self) -> dict[str, list[WorkUnit]]:
        if not self._by_type:
            for work in self.work_units:
                self._by_type.setdefault(work.unit.unit_type, []).append(work)
        return self._by_type


# Organisation -------------------------------------------------------------------------


def build_municipality(scale: Scale) -> None:
    taken = set(Municipality.objects.values_list("organisation_number", flat=True))
    number = ""
    while not orgnr.is_valid(number) or number in taken:
        number = f"9{scale.rng.randrange(10**7, 10**8)}"  # one in eleven has a valid check digit
    scale.municipality = Municipality(name=SCALE_NAME, organisation_number=number)
    scale.insert([scale.municipality])
    # The HR coordinator wants phase reminders two weeks ahead as well.
    scale.insert(
        [
            ReminderSetting(
                municipality=scale.municipality,
                kind=Kind.PHASE_DUE,
                days=", ".join(str(days) for days in PHASE_DUE_DAYS),
            )
        ]
    )


def build_units(scale: Scale) -> None:
    """Sectors, enterprises (about one in eight units) and their departments."""
    rng, municipality = scale.rng, scale.municipality
    enterprises = max(1, round(scale.units / UNITS_PER_ENTERPRISE))
    departments = scale.units - enterprises
    sector_of = rng.choices(
        range(len(SECTORS)), [share for _n, share, _t in SECTORS], k=enterprises
    )
    # Every sector gets an enterprise when there are enough of them.
    for index in range(min(len(SECTORS), enterprises)):
        sector_of[index] = index
    sectors = {
        index: Unit(municipality=municipality, level=Unit.Level.SECTOR, name=SECTORS[index][0])
        for index in sorted(set(sector_of))
    }
    scale.insert(sectors.values())

    names_used: set[tuple[int, str]] = set()
    enterprise_units = []
    for sector_index in sector_of:
        unit_type = rng.choice(SECTORS[sector_index][2])
        name = ENTERPRISE_NAMES[unit_type].format(place=rng.choice(PLACES))
        base, n = name, 1
        while (sector_index, name) in names_used:
            n += 1
            name = f"{base} {n}"
        names_used.add((sector_index, name))
        enterprise_units.append(
            Unit(
                municipality=municipality,
                level=Unit.Level.ENTERPRISE,
                parent=sectors[sector_index],
                name=name,
                unit_type=unit_type,
            )
        )
    scale.insert(enterprise_units)

    # At least one department each, the rest at random: some enterprises are large.
    per_enterprise = [1 if departments >= enterprises else 0 for _e in enterprise_units]
    for index in rng.choices(range(enterprises), k=departments - sum(per_enterprise)):
        per_enterprise[index] += 1
    department_units = []
    for enterprise, count in zip(enterprise_units, per_enterprise, strict=True):
        names = DEPARTMENT_NAMES[enterprise.unit_type]
        for index in range(count):
            name = names[index] if index < len(names) else f"Avdeling {index + 1}"
            unit_type = T.AFTER_SCHOOL if name == "SFO" else enterprise.unit_type
            department_units.append(
                Unit(
                    municipality=municipality,
                    level=Unit.Level.DEPARTMENT,
                    parent=enterprise,
                    name=name,
                    unit_type=unit_type,
                )
            )
    scale.insert(department_units)
    scale.sectors = list(sectors.values())
    scale.work_units = [WorkUnit(unit) for unit in enterprise_units + department_units]


def build_people(scale: Scale) -> None:
    """Everyone, then their memberships: leaders first, the rest spread as staff.

    About one in a hundred people has left (inactive), some of them leaders who own cycles.
    """
    rng = scale.rng
    width = max(5, len(str(scale.people)))
    people = [
        User(
            email=f"person{n:0{width}d}@{EMAIL_DOMAIN}",
            full_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            language=rng.choices(LANGUAGES, LANGUAGE_WEIGHTS)[0],
            municipality=scale.municipality,
            is_active=rng.random() > 0.01,
            password=UNUSABLE_PASSWORD_PREFIX + f"{rng.getrandbits(160):040x}",
            date_joined=scale.ago(rng.uniform(30, 3000)),
        )
        for n in range(1, scale.people + 1)
    ]
    pool = iter(people)
    scale.hr, scale.senior = next(pool), next(pool)
    scale.hr.is_active = scale.senior.is_active = True
    scale.insert(people)
    scale.insert(
        [
            MunicipalityRole(
                user=scale.hr,
                municipality=scale.municipality,
                role=MunicipalityRole.Role.HR_COORDINATOR,
            ),
            MunicipalityRole(
                user=scale.senior,
                municipality=scale.municipality,
                role=MunicipalityRole.Role.SENIOR_LEADER,
            ),
        ]
    )

    memberships = []

    def member(user: User, unit: Unit, role: str) -> None:
        memberships.append(Membership(user=user, unit=unit, role=role))

    for sector in scale.sectors:
        leader = next(pool)
        scale.sector_leaders.append(leader)
        member(leader, sector, Membership.Role.LEADER)
    for work in scale.work_units:
        for _n in range(2 if rng.random() < 0.25 else 1):
            work.leaders.append(next(pool))
            member(work.leaders[-1], work.unit, Membership.Role.LEADER)

    rest = list(pool)
    weights = [
        (0.4 if work.unit.level == Unit.Level.ENTERPRISE else 1.0) * rng.uniform(0.5, 2.0)
        for work in scale.work_units
    ]
    for person, work in zip(rest, rng.choices(scale.work_units, weights, k=len(rest)), strict=True):
        work.staff.append(person)
        member(person, work.unit, Membership.Role.STAFF)
    by_parent: dict[int, list[WorkUnit]] = {}
    for work in scale.work_units:
        by_parent.setdefault(work.unit.parent_id, []).append(work)
    for work in scale.work_units:
        for supporter in scale.sample(work.staff, rng.choice([1, 1, 2])):
            member(supporter, work.unit, Membership.Role.SUPPORTER)
        if work.unit.level == Unit.Level.ENTERPRISE and work.staff:
            member(rng.choice(work.staff), work.unit, Membership.Role.UNION_REP)
            member(rng.choice(work.staff), work.unit, Membership.Role.SAFETY_REP)
        # A few people also work in a sibling department.
        siblings = [w for w in by_parent[work.unit.parent_id] if w is not work]
        for person in work.staff:
            if siblings and rng.random() < 0.02:
                member(person, rng.choice(siblings).unit, Membership.Role.STAFF)
    scale.insert(memberships)


# Cycles -------------------------------------------------------------------------------


def phase_due_dates(current_due: datetime.date, current: int) -> dict[int, datetime.date]:
    """Each phase's target date, with the current phase due on ``current_due``."""
    dates = {current: current_due}
    for phase in range(current + 1, 8):
        dates[phase] = dates[phase - 1] + datetime.timedelta(weeks=DEFAULT_PHASE_WEEKS[phase])
    for phase in range(current - 1, 0, -1):
        dates[phase] = dates[phase + 1] - datetime.timedelta(weeks=DEFAULT_PHASE_WEEKS[phase + 1])
    return dates


def phase_changes(
    scale: Scale, started: datetime.date, due: dict[int, datetime.date], finished: int
) -> dict[int, datetime.date]:
    """The day the cycle left each finished phase: near its target date, in order, and
    never after today."""
    moved, previous = {}, started
    for phase in range(1, finished + 1):
        day = due[phase] + datetime.timedelta(days=scale.rng.randint(-5, 10))
        moved[phase] = previous = min(max(day, previous), scale.today)
    return moved


def entered(cycle: Cycle, phase: int) -> datetime.date:
    """The day the cycle came to ``phase`` (for a phase it has reached)."""
    return cycle.started if phase == 1 else cycle.moved[phase - 1]


def phase_days(scale: Scale, cycle: Cycle, phase: int) -> tuple[datetime.date, datetime.date]:
    """The first and last day the cycle was in ``phase`` (today, if it still is)."""
    first = entered(cycle, phase)
    return first, max(first, cycle.moved.get(phase, scale.today))


def build_cycles(scale: Scale) -> None:
    """About two cycles per unit, with their seven phase plans and a few tasks.

    Each cycle remembers, for the builders after it, the day it started, the day it left
    each phase it has finished (``moved``), the last phase it reached, and its plans and
    tasks. A cycle planned to start later was set up a few days ago.
    """
    rng = scale.rng
    with translation.override(scale.municipality.language_form):
        templates = {phase: [str(text) for text in PLAN_TEMPLATE[phase]] for phase in Phase}
    leaders_by_unit = {w.unit.pk: w.leaders for w in scale.work_units}
    cycles = []
    for work in scale.work_units:
        for _n in range(rng.choice([1, 2, 2, 3])):
            status = rng.choices(list(CYCLE_STATUS_WEIGHTS), CYCLE_STATUS_WEIGHTS.values())[0]
            if status == Cycle.Status.COMPLETED:
                phase, due_in = 7, rng.randint(-60, -5)
            elif status == Cycle.Status.ENDED:
                phase, due_in = rng.randint(1, 6), rng.randint(-60, 60)
            else:
                phase, due_in = rng.randint(1, 7), rng.randint(-60, 60)
            due = phase_due_dates(scale.day(due_in), phase)
            start = due[1] - datetime.timedelta(weeks=DEFAULT_PHASE_WEEKS[1])
            started = start if start < scale.today else scale.day(-rng.randint(1, 14))
            completed = status == Cycle.Status.COMPLETED
            moved = phase_changes(scale, started, due, 7 if completed else phase - 1)
            owner = rng.choice(work.leaders)
            above = leaders_by_unit.get(work.unit.parent_id)
            if above and rng.random() < 0.02:  # handed to the enterprise leader
                owner = rng.choice(above)
            created = min(day_at(started, 8), scale.now)
            cycle = Cycle(
                unit=work.unit,
                title=rng.choice(TOPICS),
                owner=owner,
                start_date=start,
                status=status,
                current_phase=phase,
                what="Vi vil lære av kolleger i en annen enhet." if phase > 1 else "",
                why="Det gir bedre tjenester for brukerne våre." if phase > 1 else "",
                how="Faste møter annenhver uke." if phase > 1 else "",
                participation_decided_on=min(started + 10 * DAY, moved[1]) if phase > 1 else None,
                participation_how="Drøftet på personalmøtet; alle fikk si sin mening."
                if phase > 1
                else "",
                learning_need=rng.choice(IDEAS) if phase > 2 else "",
                learning_need_source=rng.choice(Cycle.NeedSource.values) if phase > 2 else "",
                focus_question=rng.choice(FOCUS_QUESTIONS) if phase > 3 else "",
                host_unit=scale.peer(work).unit if phase > 4 else None,
                created_at=created,
                updated_at=created,
            )
            cycle.due, cycle.started, cycle.moved = due, started, moved
            cycle.reached = 7 if completed else phase
            cycle.work = work
            cycle.plans, cycle.task_list, cycle.idea_list = {}, [], []
            cycle.visit_list, cycle.held, cycle.points = [], [], []
            cycle.published_practice = None
            work.cycles.append(cycle)
            cycles.append(cycle)
    with given_timestamps(Cycle):
        scale.insert(cycles)
    scale.cycles = cycles

    plans, tasks = [], []
    for cycle in cycles:
        helpers = cycle.work.staff or cycle.work.leaders
        for phase in Phase:
            responsible = cycle.owner if rng.random() < 0.7 else rng.choice(helpers)
            cycle.plans[phase] = PhasePlan(
                cycle=cycle, phase=phase, due_date=cycle.due[phase], responsible=responsible
            )
            plans.append(cycle.plans[phase])
        phases = [p for p in Phase if p <= min(cycle.current_phase + 1, 7)]
        chosen = sorted(rng.sample(phases, min(len(phases), rng.randint(2, 5))))
        for position, phase in enumerate(chosen):
            if phase < cycle.current_phase or cycle.status == Cycle.Status.COMPLETED:
                status = Task.Status.DONE if rng.random() < 0.85 else Task.Status.IN_PROGRESS
            elif phase == cycle.current_phase:
                status = rng.choice([Task.Status.NOT_STARTED, Task.Status.IN_PROGRESS])
            else:
                status = Task.Status.NOT_STARTED
            due_date = cycle.due[phase] - datetime.timedelta(days=rng.randint(0, 7))
            # Mostly the owner or a colleague; now and then nobody (the owner is reminded).
            responsible = rng.choices([None, cycle.owner, rng.choice(helpers)], [10, 45, 45])[0]
            task = Task(
                cycle=cycle,
                phase=phase,
                description=rng.choice(templates[phase]),
                responsible=responsible,
                start_date=due_date - datetime.timedelta(days=rng.randint(7, 28)),
                due_date=due_date,
                status=status,
                position=position,
            )
            cycle.task_list.append(task)
            tasks.append(task)
    scale.insert(plans)
    scale.insert(tasks)


def build_ideas(scale: Scale) -> None:
    """Ideas in cycles past phase 1, some unanswered for weeks, and colleagues' votes."""
    rng = scale.rng
    ideas = []
    for work in scale.work_units:
        for cycle in work.cycles:
            if cycle.current_phase < 2:
                continue
            for _n in range(rng.randint(0, 4)):
                raised = scale.ago(rng.uniform(0.5, 45))
                answered = rng.random() < 0.55
                idea = Idea(
                    cycle=cycle,
                    author=rng.choice(work.people),
                    text=rng.choice(IDEAS),
                    category=rng.choice(Idea.Category.values),
                    response=rng.choice(Idea.Response.values) if answered else "",
                    reply="Takk, vi tar den med videre." if answered else "",
                    responded_by=cycle.owner if answered else None,
                    responded_at=min(raised + datetime.timedelta(days=3), scale.now)
                    if answered
                    else None,
                    created_at=raised,
                )
                cycle.idea_list.append(idea)
                ideas.append(idea)
    with given_timestamps(Idea):
        scale.insert(ideas)

    votes = []
    for idea in ideas:
        for person in scale.sample(idea.cycle.work.people, rng.randint(0, 4)):
            if person is not idea.author:
                voted = idea.created_at + datetime.timedelta(hours=rng.uniform(1, 72))
                votes.append(IdeaVote(idea=idea, user=person, created_at=min(voted, scale.now)))
    with given_timestamps(IdeaVote):
        scale.insert(votes, "idea votes")


# The practice register ----------------------------------------------------------------


def build_practices(scale: Scale) -> None:
    """Practices for about one unit in three, nearly all published, with a contact person,
    themes and a description the register's search finds ("ISBAR", "legemiddelhåndtering",
    "lesing", "morgenmøte", "velferdsteknologi"...); some come from a completed cycle."""
    rng = scale.rng
    practices = []
    for work in scale.work_units:
        if rng.random() >= 1 / 3:
            continue
        completed = [c for c in work.cycles if c.status == Cycle.Status.COMPLETED]
        for _types, title, themes, description in scale.sample(
            PRACTICES_BY_TYPE[work.unit.unit_type], rng.choice([1, 1, 1, 2])
        ):
            cycle = rng.choice(completed) if completed and rng.random() < 0.6 else None
            if cycle is not None:
                created = scale.moment(cycle.moved[7], min(cycle.moved[7] + 20 * DAY, scale.today))
            else:
                created = scale.ago(rng.uniform(20, 700))
            practice = Practice(
                unit=work.unit,
                title=title,
                description=f"{description} {rng.choice(PRACTICE_VISITS)}",
                themes=themes,
                contact=rng.choice(work.staff or work.leaders),
                visits_per_month=rng.choice([1, 1, 2, 2, 3, 4]),
                is_published=rng.random() < 0.92,
                cycle=cycle,
                created_by=work.leaders[0],
                created_at=created,
                updated_at=created,
            )
            if cycle is not None and cycle.published_practice is None:
                cycle.published_practice = practice
            if practice.is_published:
                work.practices.append(practice)
            practices.append(practice)
    with given_timestamps(Practice):
        scale.insert(practices)


# Visits -------------------------------------------------------------------------------

V = Visit.Status


def build_visits(scale: Scale) -> None:
    """Visits from cycles in phase 4 and later to other units, in every state, often to
    one of the host's published practices (its contact person answers).

    Held visits get observers, some reflections and feedback, and (later in the cycle)
    a sharing session at home.
    """
    rng = scale.rng
    by_unit = {work.unit.pk: work for work in scale.work_units}
    visits = []
    for work in scale.work_units:
        for cycle in work.cycles:
            if cycle.current_phase < 4 or rng.random() < 0.15:
                continue
            status, start = visit_state(scale, cycle)
            host = by_unit[cycle.host_unit_id] if cycle.host_unit_id else scale.peer(work)
            external = rng.random() < 0.05
            practice = (
                rng.choice(host.practices)
                if host.practices and not external and rng.random() < 0.6
                else None
            )
            if practice is not None:
                contact = practice.contact
            elif host.staff and not external and rng.random() < 0.4:
                contact = rng.choice(host.staff)
            else:
                contact = None
            starts_at = day_at(start, rng.choice([9, 10, 12, 13]))
            asked_days = rng.uniform(0.5, 14) if status == V.REQUESTED else rng.uniform(10, 30)
            visit = Visit(
                cycle=cycle,
                host_unit=None if external else host.unit,
                host_external="Nabokommunen, Sentrum sykehjem" if external else "",
                practice=practice,
                host_contact=contact,
                starts_at=starts_at,
                ends_at=starts_at + datetime.timedelta(hours=rng.choice([2, 3, 6])),
                purpose=f"Se hvordan dere arbeider med {cycle.title.lower()}.",
                status=status,
                decline_reason="Vi har ikke kapasitet denne måneden."
                if status == V.DECLINED
                else "",
                requested_by=cycle.owner,
                responded_by=None if status == V.REQUESTED or external else host.leaders[0],
                responded_at=None if status == V.REQUESTED else scale.ago(asked_days - 2),
                sequence=1 if status in (V.HOST_PROPOSED, V.CANCELLED) else 0,
                created_at=min(scale.ago(asked_days), starts_at),
            )
            visit.work, visit.host = work, host
            visit.observer_list, visit.reflected_by, visit.sent_feedback = [], [], None
            cycle.visit_list.append(visit)
            visits.append(visit)
    with given_timestamps(Visit):
        scale.insert(visits)
    scale.visits = visits

    observers, reflections, feedback, sessions = [], [], [], []
    Observer = Visit.observers.through
    for visit in visits:
        visit.observer_list = scale.sample(visit.work.people, rng.randint(1, 3))
        observers += [Observer(visit=visit, user=person) for person in visit.observer_list]
        if visit.status != V.CONFIRMED or visit.starts_at > scale.now:
            continue
        visit.cycle.held.append(visit)
        ended = timezone.localdate(visit.ends_at)
        for person in visit.observer_list:
            if rng.random() < 0.5:
                visit.reflected_by.append(person)
                reflections.append(
                    VisitReflection(
                        visit=visit,
                        author=person,
                        observed=rng.choice(OBSERVATIONS),
                        take_home="Vi prøver faste roller ved måltidet.",
                        created_at=min(visit.ends_at + datetime.timedelta(hours=2), scale.now),
                    )
                )
        roll = rng.random()
        if roll < 0.8:
            sent_on = ended + datetime.timedelta(days=rng.randint(1, 10))
            sent = roll < 0.6 and sent_on <= scale.today
            visit.sent_feedback = VisitFeedback(
                visit=visit,
                works="Dere har en rolig og god struktur.",
                learned="At små grep gir mye ro.",
                written_by=visit.cycle.owner,
                sent_at=day_at(sent_on, 14) if sent else None,
                acknowledged_at=day_at(sent_on, 16) if sent and rng.random() < 0.5 else None,
                created_at=min(visit.ends_at + datetime.timedelta(days=1), scale.now),
            )
            feedback.append(visit.sent_feedback)
        if (visit.cycle.current_phase >= 6 and rng.random() < 0.8) or rng.random() < 0.15:
            held_on = min(ended + datetime.timedelta(days=rng.randint(2, 20)), scale.today)
            sessions.append(
                SharingSession(
                    cycle=visit.cycle,
                    held_on=held_on,
                    note="Vi delte det vi så, og ble enige om hva vi prøver ut.",
                    created_at=day_at(held_on, 15),
                )
            )
    scale.insert(observers, "visit observers")
    with given_timestamps(VisitReflection, VisitFeedback, SharingSession):
        scale.insert(reflections)
        scale.insert(feedback)
        scale.insert(sessions)


def visit_state(scale: Scale, cycle: Cycle) -> tuple[str, datetime.date]:
    """A status and a visit date fitting the cycle's phase."""
    rng = scale.rng
    if cycle.current_phase == 4:
        return rng.choice([V.REQUESTED, V.REQUESTED, V.HOST_PROPOSED]), scale.day(
            rng.randint(7, 30)
        )
    if cycle.current_phase > 5 or cycle.status == Cycle.Status.COMPLETED:
        return V.CONFIRMED, scale.day(-rng.randint(8, 60))
    status = rng.choices(
        [V.REQUESTED, V.HOST_PROPOSED, V.CONFIRMED, V.DECLINED, V.CANCELLED], [25, 10, 55, 5, 5]
    )[0]
    if status == V.CONFIRMED and rng.random() < 0.6:
        return status, scale.day(-rng.randint(1, 25))  # held recently
    return status, scale.day(rng.randint(2, 30))


# What the cycle and visit pages show --------------------------------------------------

K = CycleEvent.Kind


def build_cycle_content(scale: Scale) -> None:
    """What the cycle, phase and visit pages read beyond the plan and the ideas."""
    build_timeline(scale)
    build_anchoring(scale)
    build_learning_points(scale)
    build_evaluations(scale)


def timeline_event(
    scale: Scale, cycle: Cycle, kind: str, day: datetime.date, hour: int, **fields
) -> CycleEvent:
    when = min(day_at(day, hour, scale.rng.randrange(0, 60, 5)), scale.now)
    return CycleEvent(cycle=cycle, kind=kind, actor=cycle.owner, created_at=when, **fields)


def build_timeline(scale: Scale) -> None:
    """Each cycle's timeline: started, each move to the next phase (now and then with
    something missing), and a pause, an early end or the completion."""
    rng = scale.rng
    with translation.override(scale.municipality.language_form):
        first_requirement = {phase: str(REQUIREMENTS[phase][0].label) for phase in Phase}
    events = []
    for cycle in scale.cycles:
        events.append(timeline_event(scale, cycle, K.STARTED, cycle.started, 8, to_phase=1))
        for phase, day in cycle.moved.items():
            hour = rng.randint(10, 15)
            if phase == Phase.EVALUATION:
                events.append(timeline_event(scale, cycle, K.COMPLETED, day, hour, from_phase=7))
            elif rng.random() < 0.1:
                events.append(
                    timeline_event(
                        scale,
                        cycle,
                        K.OVERRIDDEN,
                        day,
                        hour,
                        from_phase=phase,
                        to_phase=phase + 1,
                        reason="Vi går videre og tar det som mangler underveis.",
                        missing=first_requirement[phase],
                    )
                )
            else:
                events.append(
                    timeline_event(
                        scale, cycle, K.ADVANCED, day, hour, from_phase=phase, to_phase=phase + 1
                    )
                )
        if cycle.status in (Cycle.Status.PAUSED, Cycle.Status.ENDED):
            paused = cycle.status == Cycle.Status.PAUSED
            first, last = phase_days(scale, cycle, cycle.current_phase)
            events.append(
                timeline_event(
                    scale,
                    cycle,
                    K.PAUSED if paused else K.ENDED,
                    timezone.localdate(scale.moment(first, last)),
                    16,
                    from_phase=cycle.current_phase,
                    to_phase=cycle.current_phase,
                    reason="Mye sykefravær; vi tar opp arbeidet igjen etter ferien."
                    if paused
                    else "Enheten omorganiseres, og arbeidet avsluttes.",
                )
            )
    with given_timestamps(CycleEvent):
        scale.insert(events)
    scale.events = events


def build_anchoring(scale: Scale) -> None:
    """An introduction meeting in every cycle past phase 1 (and in half of those in it), and,
    once the need is chosen, most of the unit saying whether they agree with it."""
    rng = scale.rng
    meetings, agreements = [], []
    for cycle in scale.cycles:
        if cycle.reached > 1 or rng.random() < 0.5:
            held = scale.moment(*phase_days(scale, cycle, 1))
            meetings.append(
                IntroductionMeeting(
                    cycle=cycle,
                    held_on=timezone.localdate(held),
                    note="Metoden presentert på personalmøtet.",
                    other_attendees="Vikarer på vakt" if rng.random() < 0.2 else "",
                    created_at=held,
                )
            )
        if cycle.reached > 2:
            first, last = phase_days(scale, cycle, 3)  # the need was chosen as phase 2 ended
            for person in cycle.work.people:
                if rng.random() < 0.6:
                    agreements.append(
                        NeedAgreement(
                            cycle=cycle,
                            user=person,
                            agrees=rng.random() < 0.85,
                            created_at=scale.moment(first, min(first + 7 * DAY, last)),
                        )
                    )
    with given_timestamps(IntroductionMeeting, NeedAgreement):
        scale.insert(meetings)
        scale.insert(agreements, "need agreements")


def build_learning_points(scale: Scale) -> None:
    """Two to four learning points in cycles past phase 3 (up to two in phase 3), decided
    in cycles past phase 6 and partly in phase 6; a few staff's personal goals on each; and
    the observers' notes from held visits, most of them on a learning point."""
    rng = scale.rng
    points = []
    for cycle in scale.cycles:
        if cycle.reached < 3:
            continue
        first, last = phase_days(scale, cycle, 3)
        written = scale.moment(first, min(first + 5 * DAY, last))
        count = rng.randint(0, 2) if cycle.reached == 3 else rng.randint(2, 4)
        for title, observe, learn, train in scale.sample(LEARNING_POINTS, count):
            decided = cycle.reached == 7 or (cycle.reached == 6 and rng.random() < 0.5)
            decision = rng.choices(list(DECISION_REASONS), [60, 30, 10])[0] if decided else ""
            point = LearningPoint(
                cycle=cycle,
                title=title,
                observe=observe,
                learn=learn,
                train=train,
                decision=decision,
                decision_reason=DECISION_REASONS.get(decision, ""),
                created_at=written,
            )
            cycle.points.append(point)
            points.append(point)
    with given_timestamps(LearningPoint):
        scale.insert(points)

    goals = []
    for point in points:
        first, last = phase_days(scale, point.cycle, 3)
        for person in scale.sample(point.cycle.work.staff, rng.randint(0, 3)):
            goals.append(
                PersonalGoal(
                    learning_point=point,
                    user=person,
                    text=rng.choice(PERSONAL_GOALS),
                    created_at=scale.moment(first, last),
                )
            )
    notes = []
    for cycle in scale.cycles:
        for visit in cycle.held:
            for person in visit.observer_list:
                for _n in range(rng.randint(1, 3)):
                    point = (
                        rng.choice(cycle.points) if cycle.points and rng.random() < 0.8 else None
                    )
                    noted = visit.starts_at + datetime.timedelta(minutes=rng.randint(10, 110))
                    notes.append(
                        ObservationNote(
                            visit=visit,
                            learning_point=point,
                            author=person,
                            text=rng.choice(OBSERVATIONS),
                            created_at=min(noted, scale.now),
                        )
                    )
    with given_timestamps(PersonalGoal, ObservationNote):
        scale.insert(goals)
        scale.insert(notes)


def build_evaluations(scale: Scale) -> None:
    """Phase 7's evaluation: answered and decided in completed cycles (with a check-in a
    year later for those who go on), answered but not yet decided in half of the cycles in
    phase 7 now."""
    rng = scale.rng
    D = Evaluation.Decision
    evaluations = []
    for cycle in scale.cycles:
        completed = cycle.status == Cycle.Status.COMPLETED
        if cycle.reached < 7 or (not completed and rng.random() < 0.5):
            continue
        decided = cycle.moved.get(Phase.EVALUATION)
        decision = rng.choices(D.values, [60, 30, 10])[0] if completed else ""
        changed = day_at(decided, 14) if decided else scale.moment(*phase_days(scale, cycle, 7))
        evaluations.append(
            Evaluation(
                cycle=cycle,
                experience=rng.choice(EVALUATION_TEXTS["experience"]),
                achieved=rng.choices(Evaluation.Achieved.values, [55, 35, 10])[0],
                why=rng.choice(EVALUATION_TEXTS["why"]),
                evidence=rng.choice(EVALUATION_TEXTS["evidence"]) if completed else "",
                lessons=rng.choice(EVALUATION_TEXTS["lessons"]) if completed else "",
                decision=decision,
                decision_reason="Vi har fått det til, og vil holde det ved like."
                if decided
                else "",
                decided_on=decided,
                decided_by=cycle.owner if decided else None,
                practice=cycle.published_practice,
                check_in_on=decided + 365 * DAY if decision in (D.CONTINUE, D.NEW_CYCLE) else None,
                updated_at=min(changed, scale.now),
            )
        )
    with given_timestamps(Evaluation):
        scale.insert(evaluations)


# Staff reflections --------------------------------------------------------------------


def build_reflections(scale: Scale) -> None:
    """About ten reflections per person (few for some, many for others), in cycles of the
    unit they work in, each in a phase the cycle has reached and dated within it.

    Most are private; about a quarter are shared with the unit (a few of those pinned as a
    collective conclusion) and about one in ten is a draft. Some are about a learning point
    or about a visit the unit has made. Inserted in chunks, so the whole set is never in
    memory at once.
    """
    rng = scale.rng
    with translation.override(scale.municipality.language_form):
        questions = {
            phase: [str(PHASE_PROMPTS[phase]), *(str(prompt) for prompt in KOLB_PROMPTS)]
            for phase in Phase
        }
    chunk = []
    with given_timestamps(Reflection):
        for work in scale.work_units:
            for person in work.people:
                for _n in range(round(rng.gammavariate(2, REFLECTIONS_PER_PERSON / 2))):
                    cycle = rng.choice(work.cycles)
                    chunk.append(staff_reflection(scale, cycle, person, questions))
            if len(chunk) >= 10 * BATCH_SIZE:
                scale.insert(chunk)
                chunk = []
        scale.insert(chunk)


def staff_reflection(
    scale: Scale, cycle: Cycle, author: User, questions: dict[int, list[str]]
) -> Reflection:
    rng = scale.rng
    phase = rng.randint(1, cycle.reached)
    written = scale.moment(*phase_days(scale, cycle, phase))
    point = (
        rng.choice(cycle.points) if cycle.points and phase >= 3 and rng.random() < 0.35 else None
    )
    visit = rng.choice(cycle.held) if cycle.held and phase >= 5 and rng.random() < 0.4 else None
    if visit is not None:
        after_visit = visit.ends_at + datetime.timedelta(hours=rng.uniform(1, 48))
        written = min(max(written, after_visit), scale.now)
    roll = rng.random()
    draft, shared = roll < 0.1, 0.1 <= roll < 0.36
    if draft:
        filled = range(rng.randint(1, 2))  # drafts are written from the top
    else:
        filled = rng.sample(range(len(questions[phase])), rng.randint(2, len(questions[phase])))
    answers = []
    for index, question in enumerate(questions[phase]):
        answer = ""
        if index in filled:
            fragments = PHASE_ANSWERS[phase] if index == 0 else KOLB_ANSWERS[index - 1]
            answer = " ".join(rng.sample(fragments, rng.choice([1, 1, 2])))
            answer = answer.format(topic=cycle.title.lower())
        answers.append({"question": question, "answer": answer})
    reflection = Reflection(
        author=author,
        cycle=cycle,
        phase=phase,
        learning_point=point,
        visit=visit,
        answers=answers,
        free_text=rng.choice(FREE_TEXTS) if not draft and rng.random() < 0.3 else "",
        visibility=Reflection.Visibility.UNIT if shared else Reflection.Visibility.PRIVATE,
        is_draft=draft,
        is_pinned=shared and phase >= 5 and rng.random() < 0.08,
        created_at=written,
        updated_at=written,
    )
    reflection.search_text = reflection.full_text  # what save() would have stored
    return reflection


# Programmes ---------------------------------------------------------------------------

E = Enrolment.Status
G = Gathering.Kind
ENROLMENT_WEIGHTS = {E.ADMITTED: 80, E.APPLIED: 8, E.WAITLISTED: 6, E.DECLINED: 6}


def build_programmes(scale: Scale) -> None:
    """One programme per twenty units (at most fifty), each running for a year that began
    one to eleven months ago. Each takes about ten units with an active cycle (sizes vary,
    and a unit is in one programme at most), admits most of them into networks of about
    six, and each admitted unit brings a team; then the year's gatherings and work."""
    rng = scale.rng
    count = max(1, min(PROGRAMMES, len(scale.work_units) // UNITS_PER_PROGRAMME))
    base = max(2, len(scale.work_units) // (2 * count))
    programmes = []
    for n in range(count):
        title, themes, commissioned_by = PROGRAMME_TITLES[n % len(PROGRAMME_TITLES)]
        if n >= len(PROGRAMME_TITLES):
            title = f"{title}, kull {n // len(PROGRAMME_TITLES) + 1}"
        starts_on = scale.day(-rng.randint(30, 330))
        programme = Programme(
            municipality=scale.municipality,
            title=f"{title} {starts_on.year}",
            purpose="Enhetene lærer av hverandre gjennom hospitering og refleksjon.",
            commissioned_by=commissioned_by,
            themes=f"kollegalæring, {themes}",
            starts_on=starts_on,
            ends_on=starts_on + 365 * DAY,
            status=Programme.Status.RUNNING,
        )
        programme.admitted, programme.gathering_list = [], []
        programmes.append(programme)
    scale.insert(programmes)
    Coordinator = Programme.coordinators.through
    coordinators = []
    for n, programme in enumerate(programmes):
        coordinators.append(Coordinator(programme=programme, user=scale.hr))
        if scale.sector_leaders:  # and the head of a sector
            leader = scale.sector_leaders[n % len(scale.sector_leaders)]
            coordinators.append(Coordinator(programme=programme, user=leader))
    scale.insert(coordinators, "programme coordinators")
    Participant = Programme.municipalities.through
    scale.insert(
        [Participant(programme=p, municipality=scale.municipality) for p in programmes],
        "participating municipalities",
    )

    free = [w for w in scale.work_units if any(c.status == Cycle.Status.ACTIVE for c in w.cycles)]
    rng.shuffle(free)
    networks, enrolments = [], []
    for programme in programmes:
        size = max(2, round(base * rng.choice([0.6, 0.8, 1.0, 1.0, 1.2, 1.5])))
        chosen, free = free[:size], free[size:]
        named = max(1, min(len(NETWORK_NAMES), round(size / UNITS_PER_NETWORK)))
        programme.network_list = [
            Network(programme=programme, name=f"Nettverk {name}") for name in NETWORK_NAMES[:named]
        ]
        for network in programme.network_list:
            network.admitted = []
        networks += programme.network_list
        for work in chosen:
            status = rng.choices(list(ENROLMENT_WEIGHTS), ENROLMENT_WEIGHTS.values())[0]
            admitted = status == E.ADMITTED
            network = programme.network_list[len(programme.admitted) % named]
            enrolment = Enrolment(
                programme=programme,
                unit=work.unit,
                status=status,
                network=network if admitted else None,
                cycle=next(c for c in work.cycles if c.status == Cycle.Status.ACTIVE)
                if admitted
                else None,
                goals="Vi vil få mer ut av hospitering hos andre enheter.",
                anchoring="Lederen setter av tid på personalmøtene.",
                commits_to_attend=True,
                commits_to_report=True,
                commits_to_share=True,
                applied_by=work.leaders[0],
                applied_at=day_at(programme.starts_on - rng.randint(30, 60) * DAY, 12),
                decided_by=None if status == E.APPLIED else scale.hr,
                decided_at=None
                if status == E.APPLIED
                else day_at(programme.starts_on - rng.randint(7, 25) * DAY, 10),
                decision_reason="" if admitted or status == E.APPLIED else "Fullt denne gangen.",
            )
            enrolment.work = work
            if admitted:
                programme.admitted.append(enrolment)
                network.admitted.append(enrolment)
            enrolments.append(enrolment)
    scale.insert(networks)
    scale.insert(enrolments)
    scale.programmes = programmes

    team = []
    for enrolment in enrolments:
        work = enrolment.work
        enrolment.members = [(work.leaders[0], TeamMember.Role.LEADER)]
        roles = [TeamMember.Role.RESOURCE, TeamMember.Role.RESOURCE, TeamMember.Role.UNION_REP]
        for person, role in zip(scale.sample(work.staff, rng.randint(1, 3)), roles, strict=False):
            enrolment.members.append((person, role))
        team += [TeamMember(enrolment=enrolment, user=u, role=r) for u, r in enrolment.members]
        # Who the reminders about the programme's work reach: the team and the cycle's owner.
        owner = [enrolment.cycle.owner] if enrolment.cycle else []
        enrolment.team_people = list(dict.fromkeys([u for u, _r in enrolment.members] + owner))
    scale.insert(team)
    build_gatherings(scale, programmes)
    build_programme_work(scale, programmes)


def build_gatherings(scale: Scale, programmes: list[Programme]) -> None:
    """Each programme's year of gatherings, about forty on weekdays: a start-up, three
    professional days and a follow-up for the whole programme, and rounds of network
    gatherings for each network in between. Those before today have attendance (most of
    each invited team); about a third have an agenda, with a slot per unit in status
    rounds."""
    rng = scale.rng
    gatherings = []
    for programme in programmes:
        start, end = programme.starts_on, programme.ends_on
        plan = [(G.STARTUP, "Oppstartssamling", start + rng.randint(7, 14) * DAY, None)]
        for months, topic in zip((3, 6, 9), scale.sample(FAGDAG_TOPICS, 3), strict=True):
            day = start + (30 * months + rng.randint(-7, 7)) * DAY
            plan.append((G.FAGDAG, f"Fagdag: {topic}", day, None))
        plan.append((G.FOLLOW_UP, "Oppfølgingssamling", end - rng.randint(10, 20) * DAY, None))
        rounds = max(2, round((GATHERINGS_PER_PROGRAMME - len(plan)) / len(programme.network_list)))
        spacing = (end - start - 60 * DAY) / rounds
        for network in programme.network_list:
            for n in range(rounds):
                day = start + 30 * DAY + n * spacing + rng.randint(-3, 3) * DAY
                plan.append((G.NETWORK, f"Nettverkssamling {n + 1}, {network.name}", day, network))
        for kind, title, day, network in plan:
            day = weekday(day)
            starts_at = day_at(day, rng.choice([9, 12]) if network else 9)
            invited = day_at(day - 21 * DAY, 10)
            gathering = Gathering(
                programme=programme,
                network=network,
                kind=kind,
                title=title,
                starts_at=starts_at,
                ends_at=starts_at + datetime.timedelta(hours=3 if network else 6),
                place=rng.choice(GATHERING_PLACES),
                status_reports_due=day - 3 * DAY if network else None,
                invitations_sent_at=invited if invited <= scale.now else None,
            )
            gathering.day = day
            gathering.invited_units = network.admitted if network else programme.admitted
            gathering.attendees, gathering.prework_list = [], []
            programme.gathering_list.append(gathering)
            gatherings.append(gathering)
    scale.insert(gatherings)
    scale.gatherings = gatherings

    agenda, attendance = [], []
    for gathering in gatherings:
        if rng.random() < 1 / 3:
            agenda += agenda_for(gathering)
        if gathering.day >= scale.today:
            continue  # attendance is registered the day after, at the earliest
        registered = min(gathering.ends_at + datetime.timedelta(hours=1), scale.now)
        for enrolment in gathering.invited_units:
            if rng.random() < 0.08:
                continue  # the unit did not come
            for person, role in enrolment.members:
                if rng.random() < 0.85:
                    gathering.attendees.append(person)
                    attendance.append(
                        Attendance(
                            gathering=gathering,
                            enrolment=enrolment,
                            user=person,
                            role=role,
                            registered_by=scale.hr,
                            registered_at=registered,
                        )
                    )
    scale.insert(agenda)
    with given_timestamps(Attendance):
        scale.insert(attendance)


def agenda_for(gathering: Gathering) -> list[AgendaItem]:
    """The gathering's programme from 9 or 12 o'clock, one slot per invited unit in a
    status round that has no length of its own."""
    items = []
    clock = timezone.localtime(gathering.starts_at).replace(tzinfo=None)
    for kind, title, minutes in AGENDAS[gathering.kind]:
        if kind == AgendaItem.Kind.STATUS_ROUND and minutes == 0:
            slots = [(f"Status fra {e.unit.name}", 10, e) for e in gathering.invited_units]
        else:
            slots = [(title, minutes, None)]
        for slot, length, enrolment in slots:
            items.append(
                AgendaItem(
                    gathering=gathering,
                    kind=kind,
                    title=slot,
                    starts_at=clock.time(),
                    minutes=length,
                    responsible=enrolment.unit.name if enrolment else "Koordinatorene",
                    enrolment=enrolment,
                )
            )
            clock += datetime.timedelta(minutes=length)
    return items


def build_programme_work(scale: Scale, programmes: list[Programme]) -> None:
    """Work between gatherings: a mapping for every unit at the start, pre-work for each
    professional day and every second network gathering, and an adjusted plan for one unit;
    submissions (most of those due, some early, now and then late; many seen, some with
    feedback); status reports before network gatherings; and a bring-it-home task for each
    unit after each gathering before today, confirmed by most."""
    rng = scale.rng
    assignments = []
    for programme in programmes:
        mapping = Assignment(
            programme=programme,
            title="Kartlegging av læringsbehov",
            instructions="Beskriv enhetens læringsbehov med egne ord.",
            due_date=programme.starts_on + 21 * DAY,
        )
        mapping.answerers = programme.admitted
        assignments.append(mapping)
        for gathering in programme.gathering_list:
            if gathering.kind == G.FAGDAG:
                title, due = "Forarbeid til fagdagen", gathering.day - 5 * DAY
            elif gathering.kind == G.NETWORK and rng.random() < 0.5:
                title, due = rng.choice(PREWORK), gathering.day - 2 * DAY
            else:
                continue
            prework = Assignment(
                programme=programme,
                gathering=gathering,
                network=gathering.network,
                title=title,
                instructions="Ta med svaret til samlingen.",
                due_date=due,
            )
            prework.answerers = gathering.invited_units
            gathering.prework_list.append(prework)
            assignments.append(prework)
        if programme.admitted:
            enrolment = rng.choice(programme.admitted)
            own = Assignment(
                programme=programme,
                enrolment=enrolment,
                title="Justert plan etter samtale med koordinator",
                instructions="Legg ved den justerte planen.",
                due_date=programme.starts_on + 60 * DAY,
            )
            own.answerers = [enrolment]
            assignments.append(own)
    scale.insert(assignments)
    scale.assignments = assignments

    submissions = []
    for assignment in assignments:
        assignment.answered = {}  # enrolment id: when it was submitted
        due = assignment.due_date
        for enrolment in assignment.answerers:
            if rng.random() >= (0.85 if due < scale.today else 0.2):
                continue
            if due < scale.today and rng.random() < 0.1:
                day = due + rng.randint(1, 5) * DAY  # late
            else:
                day = due - rng.randint(0, 6) * DAY
            submitted = min(day_at(day, rng.randint(9, 15)), scale.now)
            seen = submitted + datetime.timedelta(days=rng.uniform(1, 4))
            seen = seen if rng.random() < 0.6 and seen <= scale.now else None
            commented = seen is not None and rng.random() < 0.3
            assignment.answered[enrolment.pk] = submitted
            submissions.append(
                Submission(
                    assignment=assignment,
                    enrolment=enrolment,
                    text=rng.choice(SUBMISSION_TEXTS),
                    submitted_by=enrolment.work.leaders[0],
                    submitted_at=submitted,
                    seen_at=seen,
                    feedback="Takk! Ta gjerne med dette til samlingen." if commented else "",
                    feedback_by=scale.hr if commented else None,
                    feedback_at=seen if commented else None,
                )
            )
    scale.insert(submissions)

    reports = []
    for gathering in scale.gatherings:
        due = gathering.status_reports_due
        if due is None or due > scale.today:
            continue
        for enrolment in gathering.invited_units:
            if rng.random() < 0.8:
                did, where = rng.choice(STATUS_REPORTS)
                written = day_at(due - rng.randint(0, 4) * DAY, 14)
                reports.append(
                    StatusReport(
                        enrolment=enrolment,
                        gathering=gathering,
                        what_we_did=did,
                        where_we_are=where,
                        what_we_need="Innspill på hvordan vi holder trykket oppe."
                        if rng.random() < 0.5
                        else "",
                        author=enrolment.work.leaders[0],
                        created_at=min(written, scale.now),
                    )
                )
    bring_home = []
    for gathering in scale.gatherings:
        if gathering.day >= scale.today:
            continue
        due = gathering.day + 14 * DAY
        for enrolment in gathering.invited_units:
            confirmed = due < scale.today and rng.random() < 0.7
            confirmed_at = day_at(due - rng.randint(0, 10) * DAY, 15) if confirmed else None
            bring_home.append(
                BringHomeTask(
                    gathering=gathering,
                    enrolment=enrolment,
                    what=rng.choice(BRING_HOME),
                    responsible=rng.choice(enrolment.work.people),
                    due_date=due,
                    confirmed_at=confirmed_at,
                    confirmed_by=enrolment.work.leaders[0] if confirmed else None,
                    confirmation_note="Tatt opp på personalmøtet."
                    if confirmed and rng.random() < 0.5
                    else "",
                )
            )
    scale.insert(reports)
    scale.insert(bring_home)
    scale.bring_home = bring_home


# Surveys ------------------------------------------------------------------------------


class PlannedSurvey(NamedTuple):
    survey: Survey
    questions: list[Question]
    asked: dict[User, bool]  # everyone asked: whether they took part in the programme's work
    answering: float  # the share that answers


def build_surveys(scale: Scale) -> None:
    """Surveys from the question bank, opened and answered by about half of those asked:
    the phase 7 evaluation in half the completed cycles (closed now) and in some cycles in
    phase 7, a midway evaluation in each programme, and a reaction survey after each
    start-up and professional day that five or more attended. The question bank is synced
    first, as ``seed_demo`` does.

    As ``evaluation.surveys`` stores them: the respondents say who was asked and whether
    they answered; an anonymous survey's responses have no person and no time, and are
    inserted in an order unrelated to the respondents'. Every tenth phase 7 survey (the
    first among them) is not anonymous: its responses name the respondent and the time.
    """
    rng = scale.rng
    sync_question_bank()
    bank = list(Question.objects.filter(key__isnull=False, is_active=True).order_by("pk"))
    by_key = {question.key: question for question in bank}
    motivation = [by_key["motivation"]] if "motivation" in by_key else []
    phase7 = [q for q in bank if q.instrument == "phase7"] + motivation
    midway_keys = ["participation-role", "participation-activities", "participation-others-learn"]
    midway = [q for q in bank if q.instrument == "outcome"] + motivation
    midway += [by_key[key] for key in midway_keys if key in by_key]
    reaction = [q for q in bank if q.instrument == "kirkpatrick"][:4]

    planned = []
    for cycle in scale.cycles:
        completed = cycle.status == Cycle.Status.COMPLETED
        if cycle.reached < 7 or rng.random() >= (0.5 if completed else 0.4):
            continue
        first, last = phase_days(scale, cycle, 7)
        survey = Survey(
            municipality=scale.municipality,
            title=f"Evaluering: {cycle.title}",
            cycle=cycle,
            phase=Phase.EVALUATION,
            unit=cycle.unit,
            audiences=[Audience.UNIT_STAFF],
            is_anonymous=len(planned) % 10 != 0,  # every tenth names the answers
            created_by=cycle.owner,
        )
        opened(scale, survey, scale.moment(first, min(first + 7 * DAY, last)), days=14)
        asked = {person: False for person in cycle.work.people if person.is_active}
        planned.append(PlannedSurvey(survey, phase7, asked, 0.6))
    for programme in scale.programmes:
        if not programme.admitted:
            continue
        survey = Survey(
            municipality=scale.municipality,
            title=f"Underveisevaluering: {programme.title}",
            introduction="Svarene er anonyme. Resultater vises bare for grupper på minst fem.",
            programme=programme,
            audiences=[Audience.PROGRAMME_UNITS],
            created_by=scale.hr,
        )
        start = max(programme.starts_on + 30 * DAY, scale.day(-90))
        opened(scale, survey, scale.moment(start, scale.today), days=14)
        participants = {u.pk for e in programme.admitted for u, _r in e.members}
        participants |= {u.pk for g in programme.gathering_list for u in g.attendees}
        asked = {
            person: person.pk in participants
            for enrolment in programme.admitted
            for person in enrolment.work.people
            if person.is_active
        }
        planned.append(PlannedSurvey(survey, midway, asked, 0.45))
    for gathering in scale.gatherings:
        attendees = [person for person in dict.fromkeys(gathering.attendees) if person.is_active]
        if gathering.kind not in (G.STARTUP, G.FAGDAG) or len(attendees) < 5:
            continue
        survey = Survey(
            municipality=scale.municipality,
            title=f"Hvordan var {gathering.title.lower()}?",
            programme=gathering.programme,
            gathering=gathering,
            audiences=[Audience.GATHERING_ATTENDEES],
            created_by=scale.hr,
        )
        end = min(gathering.ends_at + datetime.timedelta(hours=1), scale.now)
        opened(scale, survey, end, days=10)
        planned.append(PlannedSurvey(survey, reaction, dict.fromkeys(attendees, True), 0.7))

    scale.surveys = [plan.survey for plan in planned]
    with given_timestamps(Survey):
        scale.insert(scale.surveys)
    scale.insert(
        SurveyQuestion(survey=plan.survey, question=question, position=position)
        for plan in planned
        for position, question in enumerate(plan.questions, start=1)
    )
    respondents = []
    for plan in planned:
        plan.survey.respondent_list = [
            Respondent(
                survey=plan.survey,
                user=person,
                is_participant=participant,
                has_answered=rng.random() < plan.answering,
            )
            for person, participant in plan.asked.items()
        ]
        respondents += plan.survey.respondent_list
    scale.insert(respondents)

    responses, answers = [], []
    for plan in planned:
        survey, mine = plan.survey, []
        for respondent in survey.respondent_list:
            if not respondent.has_answered:
                continue
            named = not survey.is_anonymous
            last = min(survey.closes_on, scale.today)
            when = max(scale.moment(timezone.localdate(survey.opened_at), last), survey.opened_at)
            response = Response(
                survey=survey,
                respondent=respondent if named else None,
                is_participant=respondent.is_participant,
                submitted_at=when if named else None,
            )
            response.given = [
                (question, answer_for(rng, question, respondent.is_participant))
                for question in plan.questions
            ]
            mine.append(response)
        if survey.is_anonymous:
            rng.shuffle(mine)  # nothing in the row order says who answered what
        for response in mine:
            answers += [
                Answer(response=response, question=question, **values)
                for question, values in response.given
                if values is not None
            ]
        responses += mine
    scale.insert(responses)
    scale.insert(answers)


def opened(scale: Scale, survey: Survey, at: datetime.datetime, days: int) -> None:
    """Open the survey at ``at`` for ``days`` days; closed if that time has passed."""
    survey.created_at = at - datetime.timedelta(hours=2)
    survey.opened_at = at
    survey.closes_on = timezone.localdate(at) + days * DAY
    survey.status = Survey.Status.OPEN
    if survey.closes_on < scale.today:
        survey.status = Survey.Status.CLOSED
        survey.closed_at = min(day_at(survey.closes_on + DAY, 8), scale.now)


def answer_for(rng: random.Random, question: Question, participant: bool) -> dict | None:
    """One person's answer to ``question`` as Answer fields, or None when left blank.
    Those who took part answer a little more positively than the rest of the staff."""
    kind = question.scale
    if kind == AnswerScale.TEXT:
        return {"text": rng.choice(SURVEY_TEXTS)} if rng.random() < 0.4 else None
    if rng.random() < 0.05:
        return None
    options = range(len(question.options))
    if kind == AnswerScale.MULTIPLE:
        return {"choices": sorted(rng.sample(options, rng.randint(1, min(3, len(options)))))}
    if kind == AnswerScale.SINGLE:
        return {"number": rng.choice(options)}
    if kind == AnswerScale.YES_NO:
        return {"number": rng.choices([1, 2, 3], [70, 15, 15] if participant else [45, 30, 25])[0]}
    values = sorted(value for value, _label in SCALE_OPTIONS[kind])
    weights = [(n + 1) ** (2 if participant else 1) for n in range(len(values))]
    return {"number": rng.choices(values, weights)[0]}


# Preferences --------------------------------------------------------------------------


def build_preferences(scale: Scale) -> None:
    """About one in twelve people has chosen how some kinds reach them."""
    rng = scale.rng
    people = [p for w in scale.work_units for p in w.people]
    deliveries = [Delivery.IMMEDIATELY, Delivery.DAILY, Delivery.WEEKLY, Delivery.OFF]
    preferences = []
    for person in sorted({p.pk: p for p in people}.values(), key=lambda p: p.pk):
        if rng.random() < 0.08:
            for kind in rng.sample(Kind.values, rng.randint(1, 3)):
                delivery = rng.choices(deliveries, [30, 30, 25, 15])[0]
                scale.deliveries[(person.pk, kind)] = delivery
                preferences.append(
                    NotificationPreference(user=person, kind=kind, delivery=delivery)
                )
    scale.insert(preferences)


# Notifications ------------------------------------------------------------------------

S = Notification.Status


class Written(NamedTuple):
    """A notification as the sweep or an event wrote it: to whom, about what, on which
    occasion (with the person, kind and object, the unique key), and when."""

    recipient: User
    kind: str
    object_id: int
    occasion: str
    params: dict
    link: tuple  # the URL's name and arguments
    at: datetime.datetime


def before(anchor: datetime.date, days: Iterable[int]) -> Iterator[tuple[str, datetime.datetime]]:
    """A "days before" rule's occasions for ``anchor``, and when the sweep wrote each."""
    for lead in days:
        yield f"{anchor.isoformat()}-{lead}", swept(anchor - lead * DAY)


def after(anchor: datetime.date, days: Iterable[int]) -> Iterator[tuple[str, datetime.datetime]]:
    """A "days after" rule's occasions for ``anchor``, and when the sweep wrote each."""
    for lag in days:
        yield f"{anchor.isoformat()}+{lag}", swept(anchor + lag * DAY)


def build_notifications(scale: Scale) -> None:
    """About five notifications per person in the in-app list, as the reminder sweep and
    the visit and phase events wrote them over the past months.

    The candidates are found from the data as the rules in ``programmes.reminders`` find
    them, each (person, kind, object, occasion) once; people who switched a kind off get
    none, inactive people none; a sample is kept. Each was sent when the person's delivery
    choice says (a digest waits for the morning, or for Monday, and is still pending if that
    time has not come). Most sent ones are read, recent ones less often; a few reminders
    were withdrawn because the matter was dealt with first, and a few people's address
    bounces, so theirs failed.

    The sample is drawn from everything written up to the end of today, and what lies
    later today is left out afterwards, so the same seed gives the same rows all day.
    """
    rng = scale.rng
    finders = [
        phase_reminders,
        work_reminders,
        visit_news,
        gathering_reminders,
        assignment_reminders,
        bring_home_reminders,
        survey_reminders,
    ]
    tomorrow = day_at(scale.today + DAY, 0)
    found = {}
    for finder in finders:
        for written in finder(scale):
            person = written.recipient
            if written.at >= tomorrow or not person.is_active:
                continue
            default = RULES[written.kind].default_delivery
            delivery = scale.deliveries.get((person.pk, written.kind), default)
            if delivery != Delivery.OFF:
                key = (person.pk, written.kind, written.object_id, written.occasion)
                found.setdefault(key, (written, delivery))
    rows = list(found.values())
    target = NOTIFICATIONS_PER_PERSON * scale.people
    if len(rows) > target:
        rows = [rows[n] for n in sorted(rng.sample(range(len(rows)), target))]
    rows = [(written, delivery) for written, delivery in rows if written.at <= scale.now]
    bounces: dict[int, bool] = {}
    urls: dict[tuple, str] = {}  # many rows share a page: reverse each once
    for written, _delivery in rows:
        if written.link not in urls:
            urls[written.link] = reverse(written.link[0], args=written.link[1:])
    scale.insert(
        notification(scale, written, delivery, urls[written.link], bounces)
        for written, delivery in rows
    )


def notification(
    scale: Scale, written: Written, delivery: str, url: str, bounces: dict[int, bool]
) -> Notification:
    rng = scale.rng
    rule = RULES[written.kind]
    person = written.recipient
    row = Notification(
        recipient=person,
        kind=written.kind,
        object_id=written.object_id,
        occasion=written.occasion,
        params=written.params,
        url=url,
        delivery=delivery,
        send_after=outbox.send_after(delivery, written.at, reminder=rule.timing != EVENT),
        created_at=written.at,
    )
    if person.pk not in bounces:
        bounces[person.pk] = rng.random() < 0.003
    withdrawn, read, hours = rng.random() < 0.04, rng.random(), rng.expovariate(1 / 10)
    if row.send_after > scale.now:
        return row  # still pending
    row.attempts = 1
    if bounces[person.pk]:
        row.status, row.last_error = S.FAILED, BOUNCE.format(email=person.email)
    elif withdrawn and rule.timing != EVENT and delivery != Delivery.IMMEDIATELY:
        row.status = S.WITHDRAWN
    else:
        row.status = S.SENT
        row.sent_at = row.send_after + datetime.timedelta(seconds=40)
        recent = scale.now - row.sent_at < 3 * DAY
        if read < (0.5 if recent else 0.9):
            row.read_at = min(row.sent_at + datetime.timedelta(hours=hours), scale.now)
    return row


def phase_reminders(scale: Scale) -> Iterator[Written]:
    """Phase due and overdue reminders while the cycle was in the phase (and active, for
    the phase it is in), to the owner and the person responsible; and the news of each
    phase it moved on to, to them unless they moved it themselves."""
    for cycle in scale.cycles:
        for phase in range(1, cycle.reached + 1):
            left = cycle.moved.get(phase)
            if left is None and cycle.status != Cycle.Status.ACTIVE:
                continue
            plan = cycle.plans[phase]
            came = day_at(entered(cycle, phase), 0)
            gone = day_at(left, 0) if left else scale.now + DAY
            params = {"phase": phase, "cycle": cycle.title, "date": plan.due_date.isoformat()}
            link = ("phase_detail", cycle.pk, phase)
            people = list(dict.fromkeys(p for p in (cycle.owner, plan.responsible) if p))
            for kind, occasions in (
                (Kind.PHASE_DUE, before(plan.due_date, PHASE_DUE_DAYS)),
                (Kind.PHASE_OVERDUE, after(plan.due_date, RULES[Kind.PHASE_OVERDUE].days)),
            ):
                for occasion, at in occasions:
                    if came <= at < gone:
                        for person in people:
                            yield Written(person, kind, plan.pk, occasion, params, link, at)
    for event in scale.events:
        if event.kind not in (K.ADVANCED, K.OVERRIDDEN):
            continue
        cycle = event.cycle
        params = {"cycle": cycle.title, "phase": event.to_phase}
        link = ("phase_detail", cycle.pk, event.to_phase)
        for person in dict.fromkeys((cycle.owner, cycle.plans[event.to_phase].responsible)):
            if person is not None and person != event.actor:
                occasion = f"event-{event.pk}"
                yield Written(
                    person, Kind.PHASE_STARTED, cycle.pk, occasion, params, link, event.created_at
                )


def work_reminders(scale: Scale) -> Iterator[Written]:
    """Task reminders before and after the due date, for tasks in phases the cycle had
    reached, to the person responsible (or the owner), the late one only for tasks not
    done; and ideas waiting two weeks for an answer, to the owner."""
    for cycle in scale.cycles:
        for task in cycle.task_list:
            if task.phase > cycle.reached:
                continue
            came = day_at(entered(cycle, task.phase), 0)
            person = task.responsible or cycle.owner
            params = {"task": task.description, "cycle": cycle.title, "date": str(task.due_date)}
            occasions = [(Kind.TASK_DUE, before(task.due_date, RULES[Kind.TASK_DUE].days))]
            if task.status != Task.Status.DONE:
                days = RULES[Kind.TASK_OVERDUE].days
                occasions.append((Kind.TASK_OVERDUE, after(task.due_date, days)))
            for kind, found in occasions:
                for occasion, at in found:
                    if at >= came:
                        yield Written(
                            person, kind, task.pk, occasion, params, ("plan", cycle.pk), at
                        )
        for idea in cycle.idea_list:
            if idea.response:
                continue
            raised = timezone.localdate(idea.created_at)
            params = {"cycle": cycle.title, "date": raised.isoformat()}
            link = ("phase_detail", cycle.pk, Phase.NEEDS)
            for occasion, at in after(raised, RULES[Kind.IDEA_UNANSWERED].days):
                yield Written(
                    cycle.owner, Kind.IDEA_UNANSWERED, idea.pk, occasion, params, link, at
                )


def visit_news(scale: Scale) -> Iterator[Written]:
    """Each visit's news as it was asked for, answered or cancelled and its feedback sent
    and acknowledged; and after a held visit, reminders to the observers who wrote no
    reflection and to the owner while the feedback was not sent."""
    for visit in scale.visits:
        cycle, feedback = visit.cycle, visit.sent_feedback
        if visit.host_unit is None:
            hosts, host_name = [], visit.host_external
        else:
            hosts = [visit.host_contact] if visit.host_contact else visit.host.active_leaders
            host_name = visit.host_unit.name
        day = timezone.localdate(visit.starts_at)
        news = {"unit": cycle.unit.name, "host": host_name, "date": day.isoformat()}
        link = ("visit_detail", visit.pk)
        sequence = visit.sequence  # a new time or a cancellation counted one up
        happened = []  # (event, to whom, when, the visit's sequence then)
        if visit.host_unit is not None:
            happened.append(("visit_requested", hosts, visit.created_at, 0))
            answer = {
                V.CONFIRMED: "visit_confirmed",
                V.DECLINED: "visit_declined",
                V.HOST_PROPOSED: "visit_new_time",
            }.get(visit.status)
            if answer:
                happened.append((answer, [visit.requested_by], visit.responded_at, sequence))
            if visit.status == V.CANCELLED:
                cancelled = min(visit.created_at + 2 * DAY, scale.now)
                happened.append(("visit_cancelled", hosts, cancelled, sequence))
            if feedback and feedback.sent_at:
                happened.append(("feedback_sent", hosts, feedback.sent_at, sequence))
        if feedback and feedback.acknowledged_at:
            acknowledged = feedback.acknowledged_at
            happened.append(
                ("feedback_acknowledged", [feedback.written_by], acknowledged, sequence)
            )
        for event, people, at, then in happened:
            params = {"event": event, **news}
            occasion = f"{event}-{then}"
            for person in people:
                yield Written(person, Kind.VISIT_UPDATE, visit.pk, occasion, params, link, at)

        if visit.status != V.CONFIRMED or visit.starts_at > scale.now:
            continue
        ended = timezone.localdate(visit.ends_at)
        params = {"host": host_name, "date": day.isoformat()}
        for person in visit.observer_list:
            if person not in visit.reflected_by:
                for occasion, at in after(ended, RULES[Kind.VISIT_REFLECTION].days):
                    yield Written(
                        person, Kind.VISIT_REFLECTION, visit.pk, occasion, params, link, at
                    )
        sent = feedback.sent_at if feedback else None
        for occasion, at in after(ended, RULES[Kind.FEEDBACK_NOT_SENT].days):
            if sent is None or sent > at:
                kind = Kind.FEEDBACK_NOT_SENT
                yield Written(cycle.owner, kind, visit.pk, occasion, params, link, at)


def gathering_reminders(scale: Scale) -> Iterator[Written]:
    """Reminders a week and a day before each gathering, with its pre-work, to the teams
    and cycle owners of the units invited."""
    for gathering in scale.gatherings:
        people = dict.fromkeys(p for e in gathering.invited_units for p in e.team_people)
        params = {
            "gathering": gathering.title,
            "programme": gathering.programme.title,
            "date": gathering.day.isoformat(),
            "prework": ", ".join(a.title for a in gathering.prework_list),
        }
        link = ("gathering_detail", gathering.pk)
        for occasion, at in before(gathering.day, RULES[Kind.GATHERING_SOON].days):
            for person in people:
                yield Written(person, Kind.GATHERING_SOON, gathering.pk, occasion, params, link, at)


def assignment_reminders(scale: Scale) -> Iterator[Written]:
    """Reminders before and after an assignment's due date to the team of each unit that
    had not submitted by then."""
    for assignment in scale.assignments:
        due = assignment.due_date
        params = {
            "assignment": assignment.title,
            "programme": assignment.programme.title,
            "date": due.isoformat(),
        }
        for kind, occasions in (
            (Kind.ASSIGNMENT_DUE, before(due, RULES[Kind.ASSIGNMENT_DUE].days)),
            (Kind.ASSIGNMENT_OVERDUE, after(due, RULES[Kind.ASSIGNMENT_OVERDUE].days)),
        ):
            for occasion, at in occasions:
                for enrolment in assignment.answerers:
                    submitted = assignment.answered.get(enrolment.pk)
                    if submitted is not None and submitted <= at:
                        continue
                    link = ("submission_edit", enrolment.pk, assignment.pk)
                    for person in enrolment.team_people:
                        yield Written(person, kind, assignment.pk, occasion, params, link, at)


def bring_home_reminders(scale: Scale) -> Iterator[Written]:
    """A reminder to the unit's leaders the day after a bring-it-home task was due, if it
    was not confirmed by then."""
    for task in scale.bring_home:
        params = {
            "unit": task.enrolment.unit.name,
            "gathering": task.gathering.title,
            "date": task.due_date.isoformat(),
        }
        link = ("bring_home_edit", task.pk)
        for occasion, at in after(task.due_date, RULES[Kind.BRING_HOME_UNCONFIRMED].days):
            if task.confirmed_at is None or task.confirmed_at > at:
                for person in task.enrolment.work.active_leaders:
                    kind = Kind.BRING_HOME_UNCONFIRMED
                    yield Written(person, kind, task.pk, occasion, params, link, at)


def survey_reminders(scale: Scale) -> Iterator[Written]:
    """A survey's invitation the day it opened, to everyone asked, and the reminder four
    days later to those who never answered, while it was still open."""
    for survey in scale.surveys:
        opened_on = timezone.localdate(survey.opened_at)
        params = {
            "survey": survey.title,
            "date": opened_on.isoformat(),
            "closes_date": survey.closes_on.isoformat(),
        }
        link = ("survey_answer", survey.pk)
        for n, (occasion, at) in enumerate(after(opened_on, RULES[Kind.SURVEY_UNANSWERED].days)):
            at = max(at, survey.opened_at + datetime.timedelta(minutes=5))
            if timezone.localdate(at) > survey.closes_on:
                continue
            for respondent in survey.respondent_list:
                if n == 0 or not respondent.has_answered:
                    person = respondent.user
                    kind = Kind.SURVEY_UNANSWERED
                    yield Written(person, kind, respondent.pk, occasion, params, link, at)


BUILDERS = [
    build_municipality,
    build_units,
    build_people,
    build_cycles,
    build_ideas,
    build_practices,
    build_visits,
    build_cycle_content,
    build_reflections,
    build_programmes,
    build_surveys,
    build_preferences,
    build_notifications,
]


# Removing -----------------------------------------------------------------------------


def remove(municipality: Municipality) -> None:
    """Delete the scale municipality and everything in it, the protected links first.

    The two largest tables go first: notifications in one statement, and staff reflections
    loaded as ids only. Then the programmes, visits and cycles with what hangs on them,
    the people, the units from the bottom of the tree up, and the municipality with its
    surveys and settings.
    """
    units = Unit.objects.filter(municipality=municipality)
    people = User.objects.filter(municipality=municipality)
    Notification.objects.filter(recipient__in=people).delete()
    Reflection.objects.filter(cycle__unit__in=units).only("pk").delete()
    Programme.objects.filter(municipality=municipality).delete()
    Enrolment.objects.filter(unit__in=units).delete()
    Visit.objects.filter(host_unit__in=units).delete()
    Cycle.objects.filter(unit__in=units).delete()
    people.delete()
    for level in (Unit.Level.DEPARTMENT, Unit.Level.ENTERPRISE, Unit.Level.SECTOR):
        units.filter(level=level).delete()
    municipality.delete()


class Command(BaseCommand):
    help = (
        f"Build “{SCALE_NAME}”, a large municipality for benchmarks (1,000 units and "
        "20,000 people by default). Use --replace to build it again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--units", type=int, default=1000, help="Enterprises and departments (default 1000)."
        )
        parser.add_argument("--people", type=int, default=20000, help="People (default 20000).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--replace",
            action="store_true",
            help=f"Delete the previous “{SCALE_NAME}” and everything in it first.",
        )

    def handle(self, *args, units: int, people: int, seed: int, replace: bool, **options):
        if units < 2:
            raise CommandError("--units must be at least 2.")
        if people < 3 * units + 10:
            raise CommandError(
                f"{units} units need at least {3 * units + 10} people (leaders and staff)."
            )
        existing = Municipality.objects.filter(name=SCALE_NAME).first()
        if existing and not replace:
            raise CommandError(
                f"“{SCALE_NAME}” already exists. Run with --replace to delete it and build it again."
            )
        with transaction.atomic():
            if existing:
                started = time.monotonic()
                remove(existing)
                seconds = time.monotonic() - started
                self.stdout.write(f"Deleted the previous “{SCALE_NAME}” in {seconds:.1f} s.")
            started = time.monotonic()
            scale = Scale(rng=random.Random(seed), units=units, people=people)
            for build in BUILDERS:
                build(scale)
        seconds = time.monotonic() - started
        if connection.vendor == "postgresql":
            # Fresh planner statistics: after a bulk load the planner would still take the
            # tables for nearly empty (and scan 20,000 people to find seven) until autovacuum
            # gets round to them.
            started = time.monotonic()
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            self.stdout.write(f"Planner statistics updated in {time.monotonic() - started:.1f} s.")
        self.stdout.write(self.style.SUCCESS(f"“{SCALE_NAME}” built in {seconds:.1f} s:"))
        for name, count in scale.counts.items():
            self.stdout.write(f"  {name:<36} {count:>8,}")
