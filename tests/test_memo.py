import json

import pytest

from dailyarchive.model.memo import digest_of_record, sorted_json


def _json_module(value: object) -> bytes:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return text.encode("utf-8", "surrogatepass")


@pytest.mark.parametrize("value", [
    {"what": 'a "quoted" \\ back\tslash\n\x00\x1f\x7f', "z": [("pair", 1)], "a": None, "on": True},
    {"when": "9 July 2019", "what": "قصف على حلب \u2028 ثم \u2029 <script>&amp;</script> \\emph{x} $%#_{}~^ 😀"},
    {"big": 2 ** 70, "float": 0.1, "neg": -3},         # past 64 bits: the json module writes it
    {2: "keys that are not text", 1: "b"},             # the json module turns the keys into text
    {"lone": "\ud800 a half of a pair"},               # text that is not Unicode: kept, as the json module keeps it
])
def test_sorted_json_writes_the_bytes_of_the_json_module(value):
    assert sorted_json(value, default=str) == _json_module(value)


def test_a_digest_of_a_record_writes_what_json_cannot_hold_as_text():
    class Day:
        def __str__(self) -> str:
            return "2019-07-09"

    assert digest_of_record({"day": Day()}) == digest_of_record({"day": "2019-07-09"})
    assert digest_of_record({"day": Day()}) != digest_of_record({"day": "2019-07-10"})
