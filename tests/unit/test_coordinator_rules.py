"""The sundhedskoordinator's seat as rules (issue 26): the privilege scoped to the region's CVR,
which municipalities a region's coordinator serves on a day (Region Østdanmark from 1 January
2027), whether the advice is written in the portal, and the setting that lists the regions."""

from datetime import date

import pytest

from portal.config import ConfigError, load
from portal.domain.principal import Actor, Principal
from portal.domain.privileges import (
    CASEWORKER_PRIVILEGE,
    COORDINATOR_PRIVILEGE,
    CVR_SCOPE,
    is_coordinator,
    parse_privileges,
    privilege_list_xml,
)
from portal.domain.regions import advice_in_portal, regions_on, serves

REGION = "33333333"
LAST_DAY_OF_2026, MERGER = date(2026, 12, 31), date(2027, 1, 1)


def groups(scopes: dict[str, list[str]]):
    return parse_privileges(privilege_list_xml(scopes))


def test_the_coordinator_privilege_counts_only_for_the_region_logged_in_for():
    assert is_coordinator(groups({CVR_SCOPE + REGION: [COORDINATOR_PRIVILEGE]}), REGION)
    assert not is_coordinator(groups({CVR_SCOPE + "44444444": [COORDINATOR_PRIVILEGE]}), REGION)
    assert not is_coordinator(groups({CVR_SCOPE + REGION: [CASEWORKER_PRIVILEGE]}), REGION)
    assert not is_coordinator([], REGION)


@pytest.mark.parametrize(
    ("coordinator", "municipality", "day", "expected"),
    [
        ("nordjylland", "nordjylland", LAST_DAY_OF_2026, True),
        ("nordjylland", "hovedstaden", LAST_DAY_OF_2026, False),
        ("hovedstaden", "sjaelland", LAST_DAY_OF_2026, False),
        ("hovedstaden", "sjaelland", MERGER, True),
        ("sjaelland", "hovedstaden", MERGER, True),
        ("oestdanmark", "sjaelland", LAST_DAY_OF_2026, False),  # not a region yet
        ("oestdanmark", "sjaelland", MERGER, True),
        ("oestdanmark", "hovedstaden", MERGER, True),
        ("oestdanmark", "syddanmark", MERGER, False),
        ("", "nordjylland", MERGER, False),
        ("nordjylland", "", MERGER, False),
    ],
)
def test_a_coordinator_serves_the_municipalities_of_their_region_on_the_day(
    coordinator, municipality, day, expected
):
    assert serves(coordinator, municipality, day) is expected


def test_the_advice_is_written_in_the_portal_only_where_the_region_is_connected():
    assert advice_in_portal("nordjylland", ["nordjylland"], LAST_DAY_OF_2026)
    assert not advice_in_portal("midtjylland", ["nordjylland"], LAST_DAY_OF_2026)
    assert not advice_in_portal("sjaelland", ["hovedstaden"], LAST_DAY_OF_2026)
    assert advice_in_portal("sjaelland", ["hovedstaden"], MERGER), "one region from 2027"
    assert not advice_in_portal("", ["nordjylland"], MERGER)
    assert regions_on(["hovedstaden", "sjaelland", "x"], MERGER) == {"oestdanmark"}


def test_the_coordinators_actor_carries_the_region_for_the_access_log():
    anne = Principal(
        "caseworker", "uuid-1", "Anne Berg", work_roles=("coordinator",), region="nordjylland"
    )
    assert anne.roles == {"coordinator"}
    assert Actor.coordinator(anne) == Actor(
        "coordinator", "coordinator:nordjylland:uuid-1", "Anne Berg"
    )


def test_the_regions_setting_maps_cvr_to_region_and_is_demo_only_outside_production():
    given = load({"PORTAL_ENV": "development", "PORTAL_REGION_CVRS": "nordjylland=29190941"})
    assert given["REGION_CVRS"] == {"29190941": "nordjylland"}
    demo = load({"PORTAL_ENV": "test"})["REGION_CVRS"]
    assert set(demo.values()) == {"nordjylland", "hovedstaden"}


@pytest.mark.parametrize(
    "value",
    [
        "nordby=29190941",
        "nordjylland=2919094",
        "nordjylland",
        "a=1,b=2",
        "nordjylland=29190941,hovedstaden=29190941",
    ],
)
def test_a_wrong_regions_setting_stops_the_start_in_one_line(value):
    with pytest.raises(ConfigError, match="PORTAL_REGION_CVRS"):
        load({"PORTAL_ENV": "development", "PORTAL_REGION_CVRS": value})
