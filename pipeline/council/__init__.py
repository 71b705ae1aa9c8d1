"""The council's vote on the year's proposals (issue 14).

`make ballots` writes one ballot workbook per member (`ballots`); the members' returned ballots
are read (`intake`), tallied against the plan's thresholds (`tally`), and the minutes written
(`minutes`). `members` holds what the plan says about the council; `forms` declares the
ballot's cover and sheet, shared by the writer and the reader.
"""
