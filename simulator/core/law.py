"""The law as it stands, in one dated place.

Every scenario text, rule note or lesson that cites law writes ``{law.KEY}`` and gets the sentence
below, so a date that moves (the AI Act's high-risk deadline) is changed here once, with the "as of"
date beside it. Facts that were reported but not confirmed say so and point to the official source.
Sources: ../shared/reference/domain-facts.md (law section) and llm-screening-peers-regulation.md §3.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

AS_OF = {"en": "30 November 2026", "nl": "30 november 2026"}


@dataclass(frozen=True)
class LegalFact:
    key: str
    en: str
    nl: str
    source: str
    confirmed: bool = True  # False: reported by secondary sources, not checked in the official journal


FACTS: tuple[LegalFact, ...] = (
    LegalFact(
        "ai_act_high_risk",
        "AI systems for recruitment and selection are high-risk under the EU AI Act (Annex III point 4). Their "
        "obligations were due on 2 August 2026; the Digital Omnibus moves them to 2 December 2027 (adopted mid-2026, "
        "as reported; check the Official Journal of the EU).",
        "AI-systemen voor werving en selectie zijn hoogrisico onder de AI-verordening (bijlage III, punt 4). De "
        "verplichtingen zouden gelden vanaf 2 augustus 2026; de Digital Omnibus verschuift ze naar 2 december 2027 "
        "(medio 2026 aangenomen, volgens berichtgeving; controleer het Publicatieblad van de EU).",
        "Regulation (EU) 2024/1689 Annex III(4); Digital Omnibus on AI, COM(2025) 820; EP 16 June 2026, Council 29 June 2026 (reported)",
        confirmed=False),
    LegalFact(
        "ai_literacy",
        "Since 2 February 2025 employers that use AI must take measures for the AI literacy of their staff (AI Act "
        "art. 4).",
        "Sinds 2 februari 2025 moeten werkgevers die AI gebruiken maatregelen nemen voor de AI-geletterdheid van hun "
        "personeel (AI-verordening art. 4).",
        "Regulation (EU) 2024/1689 art. 4"),
    LegalFact(
        "emotion_ban",
        "Since 2 February 2025 AI that infers the emotions of people at work is banned, except for medical or safety "
        "reasons (AI Act art. 5(1)(f)).",
        "Sinds 2 februari 2025 is AI verboden die emoties van mensen op het werk afleidt, behalve om medische of "
        "veiligheidsredenen (AI-verordening art. 5, lid 1, onder f).",
        "Regulation (EU) 2024/1689 art. 5(1)(f)"),
    LegalFact(
        "deployer_duties",
        "The employer that uses a high-risk AI system (the deployer) must use it as instructed, assign human "
        "oversight to people with the competence, training and authority for it, and monitor it (AI Act art. 26), "
        "once the high-risk obligations apply.",
        "De werkgever die een hoogrisico-AI-systeem gebruikt (de gebruiksverantwoordelijke) moet het volgens de "
        "instructies gebruiken, het menselijk toezicht beleggen bij mensen met de nodige bekwaamheid, opleiding en "
        "bevoegdheid, en het systeem monitoren (AI-verordening art. 26), zodra de hoogrisicoverplichtingen gelden.",
        "Regulation (EU) 2024/1689 art. 26"),
    LegalFact(
        "right_to_explanation",
        "A candidate affected by a decision based on a high-risk AI system can ask for a clear explanation of the "
        "AI's role and the main elements of the decision (AI Act art. 86), once the high-risk obligations apply.",
        "Een kandidaat over wie een besluit is genomen op basis van een hoogrisico-AI-systeem kan vragen om een "
        "duidelijke uitleg van de rol van de AI en de belangrijkste elementen van het besluit (AI-verordening art. 86), "
        "zodra de hoogrisicoverplichtingen gelden.",
        "Regulation (EU) 2024/1689 art. 86"),
    LegalFact(
        "gdpr_automated",
        "A candidate may not be rejected by a fully automated decision unless an exception of GDPR art. 22(2) "
        "applies; even then they have the right to human intervention, to give their view and to contest it "
        "(art. 22(3)). Recital 71 names e-recruiting without human intervention as an example.",
        "Een kandidaat mag niet door een volledig geautomatiseerd besluit worden afgewezen, tenzij een uitzondering "
        "van AVG art. 22 lid 2 geldt; ook dan heeft hij recht op menselijke tussenkomst, op het geven van zijn "
        "standpunt en om het besluit aan te vechten (art. 22 lid 3). Overweging 71 noemt sollicitaties via internet zonder menselijke "
        "tussenkomst als voorbeeld.",
        "GDPR (EU) 2016/679 art. 22 and recital 71"),
    LegalFact(
        "gdpr_human_review",
        "Human review only counts when it is meaningful: someone with the authority and competence to change the "
        "decision, who weighs all relevant data (guidance of the European data protection authorities on GDPR "
        "art. 22; for high-risk AI also AI Act art. 26(2)).",
        "Menselijke beoordeling telt alleen als die betekenisvol is: iemand met de bevoegdheid en deskundigheid om "
        "het besluit te veranderen, die alle relevante gegevens weegt (richtsnoeren van de Europese "
        "privacytoezichthouders bij AVG art. 22; voor hoogrisico-AI ook AI-verordening art. 26 lid 2).",
        "WP29 guidelines on automated decision-making (WP251rev.01); Regulation (EU) 2024/1689 art. 26(2)"),
    LegalFact(
        "gdpr_special",
        "Data on health (disability) or ethnic origin are special categories: processing them is prohibited unless "
        "an exception applies (GDPR art. 9; in the Netherlands UAVG art. 25 allows recording country of birth for positive action for ethnic minorities).",
        "Gegevens over gezondheid (beperking) of etnische afkomst zijn bijzondere persoonsgegevens: verwerken is "
        "verboden tenzij een uitzondering geldt (AVG art. 9; in Nederland staat UAVG art. 25 toe om het geboorteland vast te leggen voor voorkeursbeleid voor etnische minderheden).",
        "GDPR art. 9; UAVG art. 25"),
    LegalFact(
        "gdpr_access",
        "A candidate may ask whether automated decision-making was used and for meaningful information about its "
        "logic (GDPR art. 15(1)(h)).",
        "Een kandidaat mag vragen of geautomatiseerde besluitvorming is gebruikt en om nuttige informatie over de "
        "onderliggende logica (AVG art. 15 lid 1 onder h).",
        "GDPR art. 15(1)(h)"),
    LegalFact(
        "equal_treatment",
        "Dutch equal-treatment law applies to algorithms too: the AWGB (race, which includes ethnic origin, nationality, sex and more), the "
        "WGB m/v (men and women at work), the WGBH/CZ (disability or chronic illness) and the WGBL (age). A neutral "
        "rule that hits one group clearly harder is indirect discrimination unless it is objectively justified.",
        "De Nederlandse gelijkebehandelingswetten gelden ook voor algoritmes: de AWGB (onder meer ras, nationaliteit "
        "en geslacht), de WGB m/v (mannen en vrouwen in de arbeid), de WGBH/CZ (handicap of chronische ziekte) en de "
        "WGBL (leeftijd). Een neutrale regel die één groep duidelijk harder treft, is indirect onderscheid tenzij die "
        "objectief gerechtvaardigd is.",
        "AWGB; WGB m/v; WGBH/CZ; WGBL"),
    LegalFact(
        "burden_of_proof",
        "When a candidate puts forward facts, in a procedure, from which discrimination can be presumed (a clear "
        "gap in selection rates can be such a fact), the employer must prove that it did not break the law — for "
        "instance that the gap has another cause, or that the rule behind it is objectively justified (AWGB art. 10; "
        "the same rule in the WGBH/CZ and the WGBL, and for sex at work in the Civil Code).",
        "Als een kandidaat in een procedure feiten aanvoert die onderscheid kunnen doen vermoeden (een duidelijk "
        "verschil in selectiepercentages kan zo'n feit zijn), moet de werkgever bewijzen dat hij niet in strijd met "
        "de wet heeft gehandeld, bijvoorbeeld dat het verschil een andere oorzaak heeft of dat de regel erachter "
        "objectief gerechtvaardigd is (AWGB art. 10; dezelfde regel staat in de WGBH/CZ en de WGBL, en voor geslacht "
        "in de arbeid in het Burgerlijk Wetboek).",
        "AWGB art. 10; WGBH/CZ art. 10; WGBL art. 12; BW art. 7:646"),
    LegalFact(
        "age_justification",
        "For age, even direct discrimination can be lawful when it is objectively justified (WGBL art. 7): a "
        "legitimate aim, with appropriate and necessary means. The other grounds allow only a few narrow exceptions, "
        "such as a genuine job requirement.",
        "Bij leeftijd kan zelfs direct onderscheid toegestaan zijn als het objectief gerechtvaardigd is (WGBL art. 7): "
        "een legitiem doel, met passende en noodzakelijke middelen. De andere gronden kennen maar een paar smalle "
        "uitzonderingen, zoals een wezenlijke beroepsvereiste.",
        "WGBL art. 7"),
    LegalFact(
        "adjustment",
        "An employer must make effective adjustments for a candidate with a disability or chronic illness, such as "
        "an adapted test, unless they are a disproportionate burden; not making them counts as prohibited "
        "discrimination (WGBH/CZ art. 2).",
        "Een werkgever moet doeltreffende aanpassingen doen voor een kandidaat met een handicap of chronische ziekte, "
        "zoals een aangepaste test, tenzij die onevenredig belastend zijn; ze niet doen geldt als verboden onderscheid "
        "(WGBH/CZ art. 2).",
        "WGBH/CZ art. 2"),
    LegalFact(
        "college",
        "The Netherlands Institute for Human Rights (College voor de Rechten van de Mens) gives opinions on "
        "complaints of discrimination in recruitment; they are not binding but carry weight.",
        "Het College voor de Rechten van de Mens geeft oordelen over klachten over discriminatie bij werving en "
        "selectie; die zijn niet bindend, maar hebben gezag.",
        "College voor de Rechten van de Mens"),
    LegalFact(
        "toezicht_bill",
        "The bill for a 'Wet toezicht gelijke kansen bij werving en selectie' was rejected by the Senate on 26 March "
        "2024: a written working method against discrimination is good practice, not a legal duty.",
        "Het wetsvoorstel 'Wet toezicht gelijke kansen bij werving en selectie' is op 26 maart 2024 door de Eerste "
        "Kamer verworpen: een vastgelegde werkwijze tegen discriminatie is goed gebruik, geen wettelijke plicht.",
        "Kamerstukken 35 673; Eerste Kamer 26 March 2024"),
    LegalFact(
        "positive_action",
        "Preferential treatment (positive action) of women, an ethnic minority or people with a disability is "
        "allowed at equal suitability, as a specific measure to reduce an actual disadvantage, in proportion to that "
        "aim (AWGB art. 2(3) for women and ethnic minorities; WGBH/CZ art. 3 for disability).",
        "Voorkeursbeleid voor vrouwen, een etnische minderheid of mensen met een handicap mag bij gelijke "
        "geschiktheid, als specifieke maatregel om een feitelijk nadeel te verminderen, in redelijke verhouding tot "
        "dat doel (AWGB art. 2 lid 3 voor vrouwen en etnische minderheden; WGBH/CZ art. 3 voor handicap).",
        "AWGB art. 2(3); WGBH/CZ art. 3; opinions of the Netherlands Institute for Human Rights"),
)

_BY_KEY = {f.key: f for f in FACTS}
LAW_PLACEHOLDER = re.compile(r"\{law\.([a-z_]+)\}")


def fact(key: str, lang: str) -> str:
    """A legal fact in ``lang``; ``as_of`` gives the date the table was checked."""
    if key == "as_of":
        return AS_OF.get(lang, AS_OF["en"])
    f = _BY_KEY[key]
    return f.nl if lang == "nl" else f.en


def law_keys() -> set[str]:
    return set(_BY_KEY) | {"as_of"}


def fill_law(text: str, lang: str) -> str:
    """Fill the ``{law.KEY}`` placeholders of a text in ``lang`` (unknown keys are left as written;
    a test checks every scenario uses known ones)."""
    return LAW_PLACEHOLDER.sub(lambda m: fact(m.group(1), lang) if m.group(1) in law_keys() else m.group(0), text)


# ---------------------------------------------------------------------------------------------
# The law primer that opens the workshop: three cases, as the SER work session did (seed 000).
# Each answer cites the table above, so the primer moves with the law.
# ---------------------------------------------------------------------------------------------

PRIMER_MINUTES = 5
PRIMER_CASES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("assessment", ("equal_treatment", "college")),
    ("taxi", ("gdpr_automated", "gdpr_access")),
    ("positive_action", ("positive_action",)),
)


def primer(lang: str) -> list[dict[str, str]]:
    """The primer's cases: title, case, question and answer (the answer ends with the legal facts
    it rests on, from the dated table)."""
    from .texts import t

    out = []
    for key, facts in PRIMER_CASES:
        out.append({"title": t(f"primer.{key}.title", lang), "case": t(f"primer.{key}.case", lang),
                    "question": t(f"primer.{key}.question", lang),
                    "answer": t(f"primer.{key}.answer", lang), "law": [fact(f, lang) for f in facts]})
    return out
