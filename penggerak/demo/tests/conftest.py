import pytest


@pytest.fixture(autouse=True)
def _demo_day(frozen_clock):
    """The tiny preset is as of the day it is generated, and its upcoming trainings follow
    today: the demo and the test read one day from a stopped clock, even near midnight."""
    return frozen_clock
