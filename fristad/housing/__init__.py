"""Skyddat boende: permits, places, live vacancies, caseworkers' search, placement requests and placements."""
