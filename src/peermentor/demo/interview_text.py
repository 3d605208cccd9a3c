"""Invented interview text for the demo's partnership study: what a paragraph about a theme says.

Every sentence is made up. A few name invented people, places, a phone number or a date, so that
the de-identification of quotes has something to find; the truth file lists them all.
"""

from __future__ import annotations

import random

NAMES = ["Marlow Tennant", "Ysolde Pike", "Corwin Ashby", "Delphine Oakes", "Tobiah Fenn"]
PLACES = ["Quillfield County", "Harrow Bend", "Larkspur Hollow", "Gannet Ridge"]
PHONES = ["(606) 555-0142", "859-555-0187"]
DATES = ["March 3, 2016", "10/14/2015"]

THEME_SENTENCES = {
    "common_vision": [
        "We both wanted the same thing, to keep the family together if we could.",
        "From the first visit we agreed the goal was getting the kids home.",
        "Our end goal was the same even when we went about it differently.",
    ],
    "child_safety_first": [
        "The children's safety always came first, and the mentor never argued that.",
        "If a child was not safe, reunification could wait, and we both said so.",
        "Keeping the kids safe was the line neither of us would cross.",
    ],
    "working_relationships": [
        "It took a few months before we really worked as a team.",
        "We learned how to talk to each other about the hard cases.",
        "The partnership got easier once we knew each other's habits.",
    ],
    "refining_roles": [
        "At first nobody knew who was supposed to drive the parents to group.",
        "We sat down and wrote out who does the home visits and who does court.",
        "Over time we worked out where my job ended and the mentor's began.",
    ],
    "building_trust": [
        "I had to trust that the mentor would tell me if something was wrong.",
        "Trust came slowly, but once it was there we could be honest.",
        "She trusted me to keep her in the loop, and I did.",
    ],
    "open_minded_learning": [
        "I went in thinking I knew everything, and I did not.",
        "You have to be open to a different way of seeing the family.",
        "Being open to the other person's view changed how I work.",
    ],
    "valuing_knowledge": [
        "The mentor knew things about recovery that no training taught me.",
        "The caseworker knew the system inside out, and that helped our families.",
        "We each brought something the other did not have.",
    ],
    "gaining_skills": [
        "I picked up a lot about writing case plans from watching her.",
        "I learned how to calm a parent down before a hearing.",
        "Working together taught me new ways to run a family meeting.",
    ],
    "sharing_the_role": [
        "Some weeks she carried the family and some weeks I did.",
        "We split the load so the parents always had someone to call.",
        "When one of us was out, the other just picked it up.",
    ],
    "partnership_benefits": [
        "The families did better because there were two of us.",
        "The partnership made the work better for everyone involved.",
        "Working in pairs paid off for the parents and for us.",
    ],
    "family_engagement": [
        "Parents showed up to treatment more often when the mentor was there.",
        "The mothers opened up to the mentor in a way they never did with me.",
        "Families stayed engaged because somebody had walked that road before.",
    ],
    "empathy_for_families": [
        "I understand now how hard recovery is, and I judge less.",
        "Hearing the mentor's story made me see the parents as people.",
        "I have more patience with families than I used to.",
    ],
    "supervision": [
        "In supervision we talked about the cases but also about how I was holding up.",
        "My supervisor made time to check on the mentor and me together.",
        "The supervisor helped us sort out a disagreement before it grew.",
    ],
    "logistics": [
        "We did the interview by phone during my lunch break.",
        "I have been in this position a little over two years.",
        "Sorry, can you repeat the question?",
    ],
}

FILLER = [
    "The weather that week was bad and the roads were slow.",
    "There is a lot of paperwork in this job, more than people think.",
    "I do not remember the exact month, it was a while ago.",
    "The office moved buildings halfway through the year.",
    "We had a training on the new forms around then.",
    "Court dates kept getting moved, which made planning hard.",
]

IDENTIFYING = [
    "I first met {name} at the office in {place}.",
    "{name} drove out to {place} twice that week.",
    "You can reach the team at {phone} if you need to.",
    "The case opened on {date}, if I remember right.",
]


def paragraph(rng: random.Random, theme: str | None, identifying: bool) -> tuple[str, dict]:
    """A paragraph about ``theme`` (None: filler); what identifying details it planted."""
    pool = THEME_SENTENCES[theme] if theme else FILLER
    sentences = rng.sample(pool, 2)
    sentences.insert(1, rng.choice(FILLER))
    planted: dict = {}
    if identifying:
        detail = {
            "name": rng.choice(NAMES),
            "place": rng.choice(PLACES),
            "phone": rng.choice(PHONES),
            "date": rng.choice(DATES),
        }
        template = rng.choice(IDENTIFYING)
        sentences.append(template.format(**detail))
        planted = {k: v for k, v in detail.items() if "{" + k + "}" in template}
    return " ".join(sentences), planted
