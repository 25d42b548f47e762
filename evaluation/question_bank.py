"""The question bank: survey questions from the sources, in bokmål, nynorsk and English.

Each entry's ``source`` names the document and lines (see the reference notes)."""

from __future__ import annotations

QUESTIONS: list[dict] = [
    # --- Phase 7: evaluation [000:715–717], evidence of learning [000:2931–2935] ---
    {
        "key": "phase7-experience",
        "instrument": "phase7",
        "scale": "text",
        "nb": "Hvilke erfaringer har vi gjort med kollegalæring?",
        "nn": "Kva erfaringar har vi gjort med kollegalæring?",
        "en": "What experience have we had with peer learning?",
        "options": [],
        "source": "000:715–717",
    },
    {
        "key": "phase7-learning-achieved",
        "instrument": "phase7",
        "scale": "extent6",
        "nb": "Vi har oppnådd den læringen vi ønsket.",
        "nn": "Vi har oppnådd den læringa vi ønskte.",
        "en": "We achieved the learning we wanted.",
        "options": [],
        "source": "000:715–717",
    },
    {
        "key": "phase7-why",
        "instrument": "phase7",
        "scale": "text",
        "nb": "Hvorfor har vi oppnådd, eller ikke oppnådd, den læringen vi ønsket?",
        "nn": "Kvifor har vi oppnådd, eller ikkje oppnådd, den læringa vi ønskte?",
        "en": "Why did we, or did we not, achieve the learning we wanted?",
        "options": [],
        "source": "000:715–717",
    },
    {
        "key": "phase7-describe-learning",
        "instrument": "phase7",
        "scale": "text",
        "nb": "Beskriv konkret hva du og kollegene dine har lært, slik at andre kan forstå det.",
        "nn": "Skildre konkret kva du og kollegaene dine har lært, slik at andre kan forstå det.",
        "en": "Describe concretely what you and your colleagues have learned, so others can "
        "understand it.",
        "options": [],
        "source": "000:2931–2935",
    },
    {
        "key": "phase7-individual-learning",
        "instrument": "phase7",
        "scale": "extent6",
        "nb": "Jeg kan beskrive konkret og gjenfortelle det jeg selv har lært.",
        "nn": "Eg kan skildre konkret og fortelje att det eg sjølv har lært.",
        "en": "I can describe concretely, and retell, what I have learned myself.",
        "options": [],
        "source": "000:2931–2935",
    },
    {
        "key": "phase7-collective-learning",
        "instrument": "phase7",
        "scale": "extent6",
        "nb": "Vi kan beskrive konkret og gjenfortelle det vi har lært sammen som enhet.",
        "nn": "Vi kan skildre konkret og fortelje att det vi har lært saman som eining.",
        "en": "We can describe concretely, and retell, what we have learned together as a unit.",
        "options": [],
        "source": "000:2931–2935",
    },
    {
        "key": "phase7-development",
        "instrument": "phase7",
        "scale": "extent6",
        "nb": "Kollegalæringen har ført til utvikling i praksisen vår.",
        "nn": "Kollegalæringa har ført til utvikling i praksisen vår.",
        "en": "Peer learning has led to development in our practice.",
        "options": [],
        "source": "000:2931–2935",
    },
    # --- Readiness / critical factors: thesis interview guide, Tema 1 [000:3332–3445] ---
    {
        "key": "readiness-need",
        "instrument": "readiness",
        "scale": "text",
        "nb": "Hva er behovet for utvikling i enheten, som dere søkte å løse med kollegalæring?",
        "nn": "Kva er behovet for utvikling i eininga, som de ville løyse med kollegalæring?",
        "en": "What development need in the unit did you want peer learning to meet?",
        "options": [],
        "source": "000:3344–3345",
    },
    {
        "key": "readiness-need-agreement",
        "instrument": "readiness",
        "scale": "extent6",
        "nb": "Det er enighet i personalet om at dette er enhetens utviklingsbehov.",
        "nn": "Det er semje i personalet om at dette er utviklingsbehovet til eininga.",
        "en": "Staff agree that this is the unit's development need.",
        "options": [],
        "source": "000:3348–3349",
    },
    {
        "key": "readiness-need-fit",
        "instrument": "readiness",
        "scale": "extent6",
        "nb": "Kollegalæring kan være med på å finne en løsning på utviklingsbehovet vårt.",
        "nn": "Kollegalæring kan vere med på å finne ei løysing på utviklingsbehovet vårt.",
        "en": "Peer learning can help us find a solution to our development need.",
        "options": [],
        "source": "000:3352–3353",
    },
    {
        "key": "readiness-staff-involved",
        "instrument": "readiness",
        "scale": "extent6",
        "nb": "De ansatte har vært involvert i beslutningen om å delta i kollegalæring.",
        "nn": "Dei tilsette har vore involverte i avgjerda om å delta i kollegalæring.",
        "en": "Staff were involved in the decision to take part in peer learning.",
        "options": [],
        "source": "000:3365–3366",
    },
    {
        "key": "readiness-tasks-delegated",
        "instrument": "readiness",
        "scale": "extent6",
        "nb": "Oppgaver og ansvar i forbindelse med kollegalæring er kommunisert og delegert.",
        "nn": "Oppgåver og ansvar i samband med kollegalæring er kommuniserte og delegerte.",
        "en": "Tasks and responsibilities for peer learning have been communicated and delegated.",
        "options": [],
        "source": "000:3369–3370",
    },
    {
        "key": "readiness-staff-interest",
        "instrument": "readiness",
        "scale": "extent6",
        "nb": "De ansatte har vist interesse og motivasjon for å sette seg inn i informasjon, "
        "ta del i opplæring og komme med innspill og forslag til gjennomføringen.",
        "nn": "Dei tilsette har vist interesse og motivasjon for å setje seg inn i informasjon, "
        "ta del i opplæring og kome med innspel og forslag til gjennomføringa.",
        "en": "Staff have shown interest and motivation: reading up, taking part in training "
        "and suggesting how to carry out the work.",
        "options": [],
        "source": "000:3373–3375",
    },
    {
        "key": "readiness-staff-positive",
        "instrument": "readiness",
        "scale": "extent6",
        "nb": "Personalet har vært positivt innstilt til å ta i bruk kollegalæring, uten motstand.",
        "nn": "Personalet har vore positivt innstilt til å ta i bruk kollegalæring, utan motstand.",
        "en": "Staff have been positive about using peer learning, without resistance.",
        "options": [],
        "source": "000:3378–3379",
    },
    {
        "key": "readiness-meeting-structures",
        "instrument": "readiness",
        "scale": "extent6",
        "nb": "Møtestrukturene og samarbeidsformene våre gir rom for kollegalæring.",
        "nn": "Møtestrukturane og samarbeidsformene våre gjev rom for kollegalæring.",
        "en": "Our meetings and ways of working together leave room for peer learning.",
        "options": [],
        "source": "000:3382–3391",
    },
    {
        "key": "readiness-talk-reflect",
        "instrument": "readiness",
        "scale": "extent6",
        "nb": "Kollegalæringen har endret hvordan vi som kolleger snakker sammen og reflekterer "
        "over praksis.",
        "nn": "Kollegalæringa har endra korleis vi som kollegaer snakkar saman og reflekterer "
        "over praksis.",
        "en": "Peer learning has changed how we talk with each other and reflect on our "
        "practice as colleagues.",
        "options": [],
        "source": "000:3400–3403",
    },
    {
        "key": "readiness-talk-examples",
        "instrument": "readiness",
        "scale": "text",
        "nb": "Gi eksempler på hvordan dere som kolleger snakker sammen og reflekterer over "
        "praksis nå.",
        "nn": "Gje døme på korleis de som kollegaer snakkar saman og reflekterer over praksis no.",
        "en": "Give examples of how you and your colleagues now talk and reflect on practice.",
        "options": [],
        "source": "000:3400–3403",
    },
    {
        "key": "readiness-resource-group",
        "instrument": "readiness",
        "scale": "extent6",
        "nb": "Ressursgruppen har fungert som en drivkraft for resten av personalet.",
        "nn": "Ressursgruppa har fungert som ei drivkraft for resten av personalet.",
        "en": "The resource group has been a driving force for the rest of the staff.",
        "options": [],
        "source": "000:3406–3407",
    },
    {
        "key": "readiness-self-driving",
        "instrument": "readiness",
        "scale": "text",
        "nb": "Hva skal til for at kollegalæring blir så motiverende at initiativet til å lære "
        "fra andre og lære bort kommer av seg selv?",
        "nn": "Kva skal til for at kollegalæring blir så motiverande at initiativet til å lære "
        "frå andre og lære bort kjem av seg sjølv?",
        "en": "What would make peer learning so motivating that people start learning from "
        "others, and teaching them, on their own?",
        "options": [],
        "source": "000:3410–3412",
    },
    {
        "key": "readiness-staff-know",
        "instrument": "readiness",
        "scale": "extent6",
        "nb": "De ansatte vet hva kollegalæring handler om: profesjonelle lærende fellesskap, "
        "innholdet i verktøyet og hvordan det skal innføres.",
        "nn": "Dei tilsette veit kva kollegalæring handlar om: profesjonelle lærande fellesskap, "
        "innhaldet i verktøyet og korleis det skal innførast.",
        "en": "Staff know what peer learning is about: professional learning communities, "
        "the content of the tool and how it will be introduced.",
        "options": [],
        "source": "000:3426–3428",
    },
    {
        "key": "readiness-plan-used",
        "instrument": "readiness",
        "scale": "extent6",
        "nb": "Implementeringsplanen er tatt i bruk og blir justert underveis.",
        "nn": "Implementeringsplanen er teken i bruk og blir justert undervegs.",
        "en": "The implementation plan is in use and is adjusted along the way.",
        "options": [],
        "source": "000:3431–3436",
    },
    {
        "key": "readiness-plan-participation",
        "instrument": "readiness",
        "scale": "extent6",
        "nb": "De ansatte har deltatt i utformingen av implementeringsplanen.",
        "nn": "Dei tilsette har teke del i utforminga av implementeringsplanen.",
        "en": "Staff took part in drawing up the implementation plan.",
        "options": [],
        "source": "000:3434",
    },
    {
        "key": "readiness-supports-other-work",
        "instrument": "readiness",
        "scale": "extent6",
        "nb": "Arbeidet med kollegalæring støtter andre pågående prosjekter i enheten.",
        "nn": "Arbeidet med kollegalæring støttar andre pågåande prosjekt i eininga.",
        "en": "The peer learning work supports other ongoing projects in the unit.",
        "options": [],
        "source": "000:3439–3441",
    },
    {
        "key": "readiness-senior-management",
        "instrument": "readiness",
        "scale": "extent6",
        "nb": "Arbeidet med kollegalæring er gjort kjent for overordnet ledelse.",
        "nn": "Arbeidet med kollegalæring er gjort kjent for overordna leiing.",
        "en": "Senior management has been told about the peer learning work.",
        "options": [],
        "source": "000:3444–3445",
    },
    # --- Professional learning community, seven dimensions [000:816–947] ---
    {
        "key": "plc-shared-vision",
        "instrument": "plc",
        "scale": "agree5",
        "nb": "Læringspunktene våre har god forankring i enhetens visjon og verdier.",
        "nn": "Læringspunkta våre har god forankring i visjonen og verdiane til eininga.",
        "en": "Our learning points are firmly rooted in the unit's vision and values.",
        "options": [],
        "source": "000:816–826",
    },
    {
        "key": "plc-personal-learning",
        "instrument": "plc",
        "scale": "agree5",
        "nb": "Alle ansatte har mulighet for personlig læring og utvikling, og reflekterer over "
        "egne læringsmål knyttet til læringspunktene.",
        "nn": "Alle tilsette har høve til personleg læring og utvikling, og reflekterer over "
        "eigne læringsmål knytte til læringspunkta.",
        "en": "All staff can learn and develop, and they think about their own learning goals "
        "linked to the learning points.",
        "options": [],
        "source": "000:830–848",
    },
    {
        "key": "plc-team-learning",
        "instrument": "plc",
        "scale": "agree5",
        "nb": "Vi setter av felles tid til refleksjon, slik at læringspunktene blir til ny praksis.",
        "nn": "Vi set av felles tid til refleksjon, slik at læringspunkta blir til ny praksis.",
        "en": "We set aside shared time for reflection so that learning points become new "
        "practice.",
        "options": [],
        "source": "000:852–864",
    },
    {
        "key": "plc-inquiry-culture",
        "instrument": "plc",
        "scale": "agree5",
        "nb": "Ansatte er trygge på å eksperimentere og utvikle egen praksis, og feil blir sett "
        "på som en mulighet for læring.",
        "nn": "Dei tilsette er trygge på å eksperimentere og utvikle eigen praksis, og feil blir "
        "sett på som eit høve til å lære.",
        "en": "Staff feel safe to experiment and develop their practice, and mistakes are seen "
        "as a chance to learn.",
        "options": [],
        "source": "000:865–877",
    },
    {
        "key": "plc-knowledge-systems",
        "instrument": "plc",
        "scale": "agree5",
        "nb": "Vi har systemer på plass for å følge med på progresjonen fra nåværende til "
        "ønsket praksis.",
        "nn": "Vi har system på plass for å følgje med på framgangen frå noverande til ønskt "
        "praksis.",
        "en": "We have systems in place to follow progress from current to desired practice.",
        "options": [],
        "source": "000:881–897",
    },
    {
        "key": "plc-learning-from-others",
        "instrument": "plc",
        "scale": "agree5",
        "nb": "Vi lærer av andre utenfor eget miljø, og deler våre gode erfaringer og eksempler "
        "med andre.",
        "nn": "Vi lærer av andre utanfor vårt eige miljø, og deler dei gode erfaringane og "
        "døma våre med andre.",
        "en": "We learn from others outside our own unit and share our good experiences and "
        "examples with them.",
        "options": [],
        "source": "000:901–921",
    },
    {
        "key": "plc-learning-leadership",
        "instrument": "plc",
        "scale": "agree5",
        "nb": "Lederne våre modellerer lærende lederskap og legger til rette for profesjonell "
        "dialog, samarbeid og kunnskapsutveksling.",
        "nn": "Leiarane våre er førebilete for lærande leiarskap og legg til rette for "
        "profesjonell dialog, samarbeid og kunnskapsutveksling.",
        "en": "Our leaders show what learning leadership looks like and make room for "
        "professional dialogue, collaboration and knowledge sharing.",
        "options": [],
        "source": "000:922–937",
    },
    # --- Kirkpatrick's four levels for gatherings and programmes [002:3615–3627] ---
    {
        "key": "kirkpatrick-reaction-time",
        "instrument": "kirkpatrick",
        "scale": "agree5",
        "nb": "Tiden jeg brukte på samlingen eller programmet, var vel anvendt.",
        "nn": "Tida eg brukte på samlinga eller programmet, var godt nytta.",
        "en": "The time I spent on the gathering or programme was well spent.",
        "options": [],
        "source": "002:9173",
    },
    {
        "key": "kirkpatrick-reaction-meaningful",
        "instrument": "kirkpatrick",
        "scale": "agree5",
        "nb": "Innholdet opplevdes som meningsfullt og nyttig for arbeidshverdagen min.",
        "nn": "Innhaldet var meiningsfullt og nyttig for arbeidskvardagen min.",
        "en": "The content felt meaningful and useful for my everyday work.",
        "options": [],
        "source": "002:4022–4031",
    },
    {
        "key": "kirkpatrick-learning-new",
        "instrument": "kirkpatrick",
        "scale": "agree5",
        "nb": "Jeg har lært noe nytt som er relevant for arbeidet mitt.",
        "nn": "Eg har lært noko nytt som er relevant for arbeidet mitt.",
        "en": "I learned something new that is relevant to my work.",
        "options": [],
        "source": "002:3615–3627",
    },
    {
        "key": "kirkpatrick-learning-explain",
        "instrument": "kirkpatrick",
        "scale": "agree5",
        "nb": "Jeg kan forklare en kollega hva jeg har lært.",
        "nn": "Eg kan forklare ein kollega kva eg har lært.",
        "en": "I can explain to a colleague what I learned.",
        "options": [],
        "source": "002:3615–3627",
    },
    {
        "key": "kirkpatrick-learning-lasting",
        "instrument": "kirkpatrick",
        "scale": "text",
        "nb": "Hvilken del har satt spor hos deg? På hvilken måte?",
        "nn": "Kva del har sett spor hos deg? På kva måte?",
        "en": "Which part has left a mark on you? In what way?",
        "options": [],
        "source": "002:9155",
    },
    {
        "key": "kirkpatrick-behaviour-use",
        "instrument": "kirkpatrick",
        "scale": "agree5",
        "nb": "Jeg bruker det jeg har lært, i arbeidshverdagen min.",
        "nn": "Eg brukar det eg har lært, i arbeidskvardagen min.",
        "en": "I use what I learned in my everyday work.",
        "options": [],
        "source": "002:9157",
    },
    {
        "key": "kirkpatrick-behaviour-changed",
        "instrument": "kirkpatrick",
        "scale": "agree5",
        "nb": "Jeg har endret måten jeg arbeider på, etter samlingen eller programmet.",
        "nn": "Eg har endra måten eg arbeider på, etter samlinga eller programmet.",
        "en": "I have changed the way I work since the gathering or programme.",
        "options": [],
        "source": "002:3615–3627",
    },
    {
        "key": "kirkpatrick-results-colleagues",
        "instrument": "kirkpatrick",
        "scale": "agree5",
        "nb": "At jeg har deltatt, har påvirket kollegene mine eller de ansatte positivt.",
        "nn": "At eg har delteke, har påverka kollegaene mine eller dei tilsette positivt.",
        "en": "My taking part has had a good effect on my colleagues or staff.",
        "options": [],
        "source": "002:9163–9165",
    },
    {
        "key": "kirkpatrick-results-unit",
        "instrument": "kirkpatrick",
        "scale": "agree5",
        "nb": "Samlingen eller programmet har gitt bedre resultater for enheten vår.",
        "nn": "Samlinga eller programmet har gitt betre resultat for eininga vår.",
        "en": "The gathering or programme has led to better results for our unit.",
        "options": [],
        "source": "002:3615–3627",
    },
    # --- The three outcome statements [004:7050–7076]; keys are looked up by reports ---
    {
        "key": "outcome-goals",
        "instrument": "outcome",
        "scale": "agree5",
        "nb": "Deltakelsen har bidratt til bedre måloppnåelse.",
        "nn": "Deltakinga har bidrege til betre måloppnåing.",
        "en": "Taking part has helped us reach our goals better.",
        "options": [],
        "source": "004:7066–7067",
    },
    {
        "key": "outcome-development",
        "instrument": "outcome",
        "scale": "agree5",
        "nb": "Deltakelsen har bidratt til faglig utviklingsarbeid som dere ellers ikke ville "
        "ha gjennomført.",
        "nn": "Deltakinga har bidrege til fagleg utviklingsarbeid som de elles ikkje ville ha "
        "gjennomført.",
        "en": "Taking part has led to development work you would not otherwise have done.",
        "options": [],
        "source": "004:7069–7072",
    },
    {
        "key": "outcome-reflective-practice",
        "instrument": "outcome",
        "scale": "agree5",
        "nb": "Deltakelsen har bidratt til mer reflektert praksis hos de ansatte i deres "
        "praksisutøvelse.",
        "nn": "Deltakinga har bidrege til meir reflektert praksis hos dei tilsette i arbeidet "
        "deira.",
        "en": "Taking part has made staff more reflective in their daily practice.",
        "options": [],
        "source": "004:7074–7076",
    },
    # --- Success factors for collaboration across units [004:7253–7286] ---
    {
        "key": "success-resources",
        "instrument": "success",
        "scale": "agree5",
        "nb": "For å lykkes med samarbeid på tvers av enheter må en ha nok ressurser "
        "(økonomiske og personellmessige).",
        "nn": "For å lukkast med samarbeid på tvers av einingar må ein ha nok ressursar "
        "(økonomiske og personellmessige).",
        "en": "To succeed in working across units, you need enough resources (money and staff).",
        "options": [],
        "source": "004:7262–7263",
    },
    {
        "key": "success-anchoring",
        "instrument": "success",
        "scale": "agree5",
        "nb": "For å lykkes med samarbeid på tvers av enheter må en ha god forankring på "
        "ledernivå i enhetene som samarbeider.",
        "nn": "For å lukkast med samarbeid på tvers av einingar må ein ha god forankring på "
        "leiarnivå i einingane som samarbeider.",
        "en": "To succeed in working across units, you need firm backing from the leaders of "
        "each unit.",
        "options": [],
        "source": "004:7265–7266",
    },
    {
        "key": "success-management",
        "instrument": "success",
        "scale": "agree5",
        "nb": "For å lykkes med samarbeid på tvers av enheter må en ha god ledelse og "
        "administrasjon av samarbeidet.",
        "nn": "For å lukkast med samarbeid på tvers av einingar må ein ha god leiing og "
        "administrasjon av samarbeidet.",
        "en": "To succeed in working across units, the collaboration needs good leadership and "
        "administration.",
        "options": [],
        "source": "004:7268–7270",
    },
    {
        "key": "success-clear-goals",
        "instrument": "success",
        "scale": "agree5",
        "nb": "For å lykkes med samarbeid på tvers av enheter må en ha tydelige rammer og mål "
        "for samarbeidet.",
        "nn": "For å lukkast med samarbeid på tvers av einingar må ein ha tydelege rammer og "
        "mål for samarbeidet.",
        "en": "To succeed in working across units, the collaboration needs a clear framework "
        "and clear goals.",
        "options": [],
        "source": "004:7272–7273",
    },
    {
        "key": "success-enthusiasts",
        "instrument": "success",
        "scale": "agree5",
        "nb": "For å lykkes med samarbeid på tvers av enheter må en ha ildsjeler blant ansatte "
        "og/eller ledere.",
        "nn": "For å lukkast med samarbeid på tvers av einingar må ein ha eldsjeler blant "
        "tilsette og/eller leiarar.",
        "en": "To succeed in working across units, you need enthusiasts among staff and/or "
        "leaders.",
        "options": [],
        "source": "004:7275–7276",
    },
    {
        "key": "success-aligned-goals",
        "instrument": "success",
        "scale": "agree5",
        "nb": "For å lykkes med samarbeid på tvers av enheter må det være sammenfall mellom "
        "overordnede politisk/administrativt vedtatte mål og samarbeidets overordnede mål.",
        "nn": "For å lukkast med samarbeid på tvers av einingar må det vere samsvar mellom "
        "overordna politisk/administrativt vedtekne mål og dei overordna måla for "
        "samarbeidet.",
        "en": "To succeed in working across units, the goals of the collaboration must match "
        "the goals set by politicians and management.",
        "options": [],
        "source": "004:7278–7282",
    },
    {
        "key": "success-mandated",
        "instrument": "success",
        "scale": "agree5",
        "nb": "For å lykkes med samarbeid på tvers av enheter må samarbeidet være pålagt "
        "ovenfra (av kommunen eller statlige/fylkeskommunale myndigheter).",
        "nn": "For å lukkast med samarbeid på tvers av einingar må samarbeidet vere pålagt "
        "ovanfrå (av kommunen eller statlege/fylkeskommunale styresmakter).",
        "en": "To succeed in working across units, the collaboration must be required from "
        "above (by the municipality or by state or county authorities).",
        "options": [],
        "source": "004:7284–7286",
    },
    # --- Knowledge sharing between units: importance [004:7289–7312] ---
    {
        "key": "success-sharing-networks",
        "instrument": "success",
        "scale": "importance5",
        "nb": "Hvor viktig er aktiv deltakelse i nettverk/prosjektarbeid med andre enheter for "
        "god kunnskapsdeling?",
        "nn": "Kor viktig er aktiv deltaking i nettverk/prosjektarbeid med andre einingar for "
        "god kunnskapsdeling?",
        "en": "How important is active work in networks or projects with other units for good "
        "knowledge sharing?",
        "options": [],
        "source": "004:7295–7297",
    },
    {
        "key": "success-sharing-formal",
        "instrument": "success",
        "scale": "importance5",
        "nb": "Hvor viktig er formelt samarbeid mellom enheter eller kommuner for god "
        "kunnskapsdeling?",
        "nn": "Kor viktig er formelt samarbeid mellom einingar eller kommunar for god "
        "kunnskapsdeling?",
        "en": "How important is formal collaboration between units or municipalities for good "
        "knowledge sharing?",
        "options": [],
        "source": "004:7299–7300",
    },
    {
        "key": "success-sharing-visits",
        "instrument": "success",
        "scale": "importance5",
        "nb": "Hvor viktig er hospiteringsordninger på tvers av enheter for god kunnskapsdeling?",
        "nn": "Kor viktig er hospiteringsordningar på tvers av einingar for god kunnskapsdeling?",
        "en": "How important are visits and job shadowing across units for good knowledge sharing?",
        "options": [],
        "source": "004:7302–7303",
    },
    {
        "key": "success-sharing-courses",
        "instrument": "success",
        "scale": "importance5",
        "nb": "Hvor viktig er felles kurs/fagdager med andre enheter for god kunnskapsdeling?",
        "nn": "Kor viktig er felles kurs/fagdagar med andre einingar for god kunnskapsdeling?",
        "en": "How important are shared courses or study days with other units for good "
        "knowledge sharing?",
        "options": [],
        "source": "004:7305–7306",
    },
    {
        "key": "success-sharing-websites",
        "instrument": "success",
        "scale": "importance5",
        "nb": "Hvor viktig er nettsider med informasjon om enhetens faglige utviklingsarbeid "
        "for god kunnskapsdeling?",
        "nn": "Kor viktig er nettsider med informasjon om det faglege utviklingsarbeidet til "
        "eininga for god kunnskapsdeling?",
        "en": "How important are web pages about the unit's development work for good "
        "knowledge sharing?",
        "options": [],
        "source": "004:7308–7310",
    },
    {
        "key": "success-sharing-conferences",
        "instrument": "success",
        "scale": "importance5",
        "nb": "Hvor viktig er deltakelse på konferanser for god kunnskapsdeling?",
        "nn": "Kor viktig er deltaking på konferansar for god kunnskapsdeling?",
        "en": "How important is going to conferences for good knowledge sharing?",
        "options": [],
        "source": "004:7312",
    },
    # --- Motivation 1–10 [001:2568–2574] ---
    {
        "key": "motivation",
        "instrument": "motivation",
        "scale": "scale10",
        "nb": "Hvor motivert er du for kollegalæring? Gi en verdi fra 1 til 10, der 10 er best.",
        "nn": "Kor motivert er du for kollegalæring? Gje ein verdi frå 1 til 10, der 10 er best.",
        "en": "How motivated are you for peer learning? Give a value from 1 to 10, where 10 is "
        "best.",
        "options": [],
        "source": "001:2568–2574",
    },
    # --- Participation (asked of staff as well as leaders) ---
    {
        "key": "participation-aware",
        "instrument": "participation",
        "scale": "yesno",
        "nb": "Visste du at enheten din deltok i kollegalæring?",
        "nn": "Visste du at eininga di deltok i kollegalæring?",
        "en": "Did you know that your unit took part in peer learning?",
        "options": [],
        "source": "004:1602–1609",
    },
    {
        "key": "participation-role",
        "instrument": "participation",
        "scale": "single",
        "nb": "Hva er din rolle?",
        "nn": "Kva er rolla di?",
        "en": "What is your role?",
        "options": [
            {"nb": "Ansatt", "nn": "Tilsett", "en": "Employee"},
            {"nb": "Leder", "nn": "Leiar", "en": "Leader"},
            {"nb": "Tillitsvalgt", "nn": "Tillitsvald", "en": "Union representative"},
            {"nb": "Verneombud", "nn": "Verneombod", "en": "Safety representative"},
            {"nb": "Annet", "nn": "Anna", "en": "Other"},
        ],
        "source": "004:1602–1609",
    },
    {
        "key": "participation-activities",
        "instrument": "participation",
        "scale": "multiple",
        "nb": "Hva har du deltatt i?",
        "nn": "Kva har du teke del i?",
        "en": "What have you taken part in?",
        "options": [
            {"nb": "Samling", "nn": "Samling", "en": "Gathering"},
            {"nb": "Hospitering/besøk", "nn": "Hospitering/besøk", "en": "Visit or job shadowing"},
            {
                "nb": "Delingsmøte på egen enhet",
                "nn": "Delingsmøte på eiga eining",
                "en": "Sharing meeting in my own unit",
            },
            {"nb": "Refleksjon i gruppe", "nn": "Refleksjon i gruppe", "en": "Group reflection"},
            {"nb": "Ingenting av dette", "nn": "Ingenting av dette", "en": "None of these"},
        ],
        "source": "000:688–711",
    },
    {
        "key": "participation-others-learn",
        "instrument": "participation",
        "scale": "text",
        "nb": "Hva kan andre enheter lære av arbeidet deres?",
        "nn": "Kva kan andre einingar lære av arbeidet dykkar?",
        "en": "What can other units learn from your work?",
        "options": [],
        "source": "004:6527–6528",
    },
    {
        "key": "participation-transferable",
        "instrument": "participation",
        "scale": "text",
        "nb": "Hva er det viktigste dere har erfart, som kan være overførbart til andre?",
        "nn": "Kva er det viktigaste de har erfart, som kan overførast til andre?",
        "en": "What is the most important thing you have learned that others could use?",
        "options": [],
        "source": "004:6533–6534",
    },
    {
        "key": "participation-do-differently",
        "instrument": "participation",
        "scale": "text",
        "nb": "Hva burde dere ha endret på, gjort på en annen måte eller brukt mer eller mindre "
        "tid på? Hvorfor?",
        "nn": "Kva burde de ha endra på, gjort på ein annan måte eller brukt meir eller mindre "
        "tid på? Kvifor?",
        "en": "What should you have changed, done differently, or spent more or less time on? Why?",
        "options": [],
        "source": "004:6522–6523",
    },
]
