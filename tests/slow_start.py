"""A reader whose worker takes a while to start (as on a busy machine): importing this module
waits DHTT_SLOW_START seconds when that variable is set (in the worker, not in the test)."""

import os
import time

from pipeline.intake.readers import read_book

if os.environ.get("DHTT_SLOW_START"):
    time.sleep(float(os.environ["DHTT_SLOW_START"]))


def reader(data: bytes):
    return read_book(data)
