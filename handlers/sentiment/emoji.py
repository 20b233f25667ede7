"""How much feeling an emoji carries at work, on VADER's -4..+4 scale.

VADER scores emoji by the words of their names, which gets work chat wrong: "thumbs up" and
"raising hands" score 0, "fire" scores negative, "enraged face" scores 0. These curated values fix
the emoji people actually use in check-ins and channel reactions. Names are CLDR names as the
`emoji` package spells them (underscored) plus Slack's own aliases and common custom emoji.
Values follow VADER's anchors: 1 = mildly, 2 = clearly, 3 = strongly felt.
"""
from __future__ import annotations

# (names, valence, why) -- the why is the everyday workplace reading of the emoji.
_CURATED: tuple[tuple[tuple[str, ...], float, str], ...] = (
    (("thumbs_up", "thumbsup", "+1", "thumbs_up_sign"), 1.8, "approval, 'sounds good'"),
    (("thumbs_down", "thumbsdown", "-1"), -1.8, "disapproval"),
    (("white_check_mark", "check_mark_button", "heavy_check_mark", "check_mark"), 1.2, "done, resolved"),
    (("x", "cross_mark", "no_entry", "no_entry_sign"), -1.2, "failed, rejected"),
    (("slightly_smiling_face", "smiling_face", "relaxed", "blush",
      "smiling_face_with_smiling_eyes", "smile", "grinning_face_with_smiling_eyes"), 1.6, "content"),
    (("grinning", "grinning_face", "smiley", "grinning_face_with_big_eyes",
      "grin", "beaming_face_with_smiling_eyes", "laughing", "satisfied",
      "grinning_squinting_face"), 2.0, "happy"),
    (("joy", "face_with_tears_of_joy", "rolling_on_the_floor_laughing", "rofl",
      "laughing_face"), 1.8, "laughing along"),
    (("heart_eyes", "smiling_face_with_heart_eyes", "smiling_face_with_hearts",
      "star_struck", "heart", "red_heart", "blue_heart", "green_heart", "purple_heart",
      "yellow_heart", "orange_heart", "sparkling_heart", "two_hearts", "heartpulse",
      "growing_heart", "hugging_face", "hugs", "smiling_face_with_open_hands",
      "kissing_heart", "face_blowing_a_kiss"), 2.4, "affection, delight"),
    (("tada", "party_popper", "partying_face", "confetti_ball", "party_parrot", "partyparrot",
      "parrot", "celebrate", "balloon", "champagne", "clinking_glasses"), 2.4, "celebration"),
    (("raised_hands", "raising_hands", "clap", "clapping_hands", "muscle", "flexed_biceps",
      "trophy", "1st_place_medal", "first_place_medal", "medal", "sports_medal", "star",
      "glowing_star", "star2", "sparkles", "100", "hundred_points", "rocket",
      "boom", "chart_increasing", "chart_with_upwards_trend", "sunglasses",
      "smiling_face_with_sunglasses", "ok_hand", "raised_fist", "fist_bump", "handshake",
      "heavy_plus_sign", "kudos", "shipit", "ship_it", "nailed_it", "yay", "woohoo", "yes"),
     1.8, "praise, shipping, 'this is great'"),
    (("fire",), 0.8, "mostly 'this is great'; sometimes an incident, so only mildly positive"),
    (("pray", "folded_hands", "thank_you", "thankyou", "thanks", "ty"), 1.6, "thanks"),
    (("relieved", "relieved_face", "innocent", "smiling_face_with_halo"), 1.2, "relief"),
    (("sweat_smile", "grinning_face_with_sweat", "smiling_face_with_tear"), 0.6, "nervous relief"),
    (("neutral_face", "expressionless", "expressionless_face", "thinking_face", "thinking",
      "eyes", "shrug", "person_shrugging", "upside_down_face", "no_mouth", "face_without_mouth",
      "raised_eyebrow", "face_with_raised_eyebrow", "hourglass", "hourglass_flowing_sand",
      "calendar", "memo", "coffee", "hot_beverage", "wave", "waving_hand", "point_up",
      "point_right", "pushpin", "link", "spiral_calendar"), 0.0, "noting, not feeling"),
    (("slightly_frowning_face", "frowning_face", "white_frowning_face", "confused",
      "confused_face", "worried", "worried_face", "pensive", "pensive_face",
      "disappointed", "disappointed_face", "unamused", "unamused_face", "face_with_rolling_eyes",
      "roll_eyes", "grimacing", "grimacing_face", "sad_but_relieved_face",
      "disappointed_relieved", "melting_face", "chart_decreasing", "chart_with_downwards_trend",
      "snail", "turtle", "bug", "sadparrot", "sad_parrot", "facepalm", "face_palm",
      "person_facepalming", "this_is_fine", "thisisfine", "dumpster_fire", "dumpsterfire",
      "sob_parrot", "notlikethis", "not_like_this", "headdesk", "sadpanda", "sad_panda"),
     -1.6, "unhappy, worried, something broke"),
    (("cry", "crying_face", "sob", "loudly_crying_face", "weary", "weary_face",
      "tired_face", "sleepy", "sleepy_face", "yawning_face", "downcast_face_with_sweat",
      "sweat", "cold_sweat", "anxious_face_with_sweat", "fearful", "fearful_face",
      "exploding_head", "face_with_spiral_eyes", "dizzy_face", "face_with_crossed_out_eyes",
      "face_exhaling", "broken_heart", "skull", "skull_and_crossbones", "sos", "sos_button",
      "rotating_light", "police_car_light", "warning", "fire_engine", "face_with_thermometer",
      "thermometer_face", "mask", "face_with_medical_mask", "nauseated_face",
      "face_vomiting", "scream", "face_screaming_in_fear", "persevere",
      "persevering_face", "confounded", "confounded_face", "anguished", "anguished_face"),
     -2.2, "distress, exhaustion, an incident"),
    (("rage", "enraged_face", "pouting_face", "angry", "angry_face", "face_with_symbols_on_mouth",
      "triumph", "face_with_steam_from_nose", "middle_finger", "reversed_hand_with_middle_finger_extended",
      "poop", "hankey", "shit", "pile_of_poo"), -2.6, "anger, disgust"),
)


EMOJI_VALENCE: dict[str, float] = {n: v for names, v, _why in _CURATED for n in names}
"""name -> valence; built from a small tuple, cheap at import."""
_CANONICAL: dict[str, str] = {n: names[0] for names, _v, _why in _CURATED for n in names}

EMOJI_TOKEN_PREFIX = "emojiv"


def emoji_token(name: str) -> str:
    """The single lexicon token standing for a curated emoji (keeps negation/'but' rules working)."""
    name = _CANONICAL.get(name, name)
    return EMOJI_TOKEN_PREFIX + name.replace("+", "plus").replace("-", "minus")


def emoji_lexicon() -> dict[str, float]:
    """Token -> valence entries to add to the scorer's lexicon."""
    return {emoji_token(name): valence for name, valence in EMOJI_VALENCE.items() if valence}
