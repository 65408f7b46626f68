"""`{% load numbers %}`: the number, money, percent and duration filters of every template."""
