"""Win/loss of tactics and experiments by the person who ran them (their owner), not by the
client's account manager: a designer's A/B tests are theirs, whoever manages the client.

An experiment is a win or a loss only at or above the confidence threshold; below it, it is
inconclusive (DESIGN "Experiment"). Win rate = wins ÷ (wins + losses).
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from clients.models import Client, Experiment, Outcome, Tactic
from godview import metrics


@dataclass
class OwnerWinLoss:
    owner_id: int
    wins: int = 0
    losses: int = 0
    inconclusive: int = 0
    running: int = 0

    @property
    def rate(self) -> float | None:
        return metrics.win_rate(self.wins, self.losses)


def _tallies(queryset: QuerySet, decided: Q | None = None) -> QuerySet:
    """Per owner; `decided` is what makes a win or loss count (experiments: the confidence)."""
    win, loss = Q(outcome=Outcome.WIN), Q(outcome=Outcome.LOSS)
    inconclusive = Q(outcome=Outcome.INCONCLUSIVE)
    if decided is not None:
        win, loss = win & decided, loss & decided
        inconclusive |= Q(outcome__in=[Outcome.WIN, Outcome.LOSS]) & ~decided
    return queryset.values("owner_id").annotate(
        wins=Count("pk", filter=win),
        losses=Count("pk", filter=loss),
        inconclusive=Count("pk", filter=inconclusive),
        running=Count("pk", filter=Q(outcome=Outcome.PENDING)),
    )


def win_loss_by_owner(owners: Q, clients: QuerySet[Client]) -> dict[int, OwnerWinLoss]:
    """Owner id → their tally over the tactics and experiments they own on `clients` (two
    queries, one row per owner each); `owners` filters the owner (`Q(owner__pod=pod)`, ...)."""
    confident = Q(confidence__gte=settings.EXPERIMENT_CONFIDENCE_THRESHOLD)
    result: dict[int, OwnerWinLoss] = {}
    rows = [
        *_tallies(Tactic.objects.filter(owners, client__in=clients)),
        *_tallies(Experiment.objects.filter(owners, client__in=clients), confident),
    ]
    for row in rows:
        tally = result.setdefault(row["owner_id"], OwnerWinLoss(row["owner_id"]))
        tally.wins += row["wins"]
        tally.losses += row["losses"]
        tally.inconclusive += row["inconclusive"]
        tally.running += row["running"]
    return result


def total(tallies: dict[int, OwnerWinLoss]) -> OwnerWinLoss:
    whole = OwnerWinLoss(0)
    for tally in tallies.values():
        whole.wins, whole.losses = whole.wins + tally.wins, whole.losses + tally.losses
        whole.inconclusive, whole.running = whole.inconclusive + tally.inconclusive, whole.running + tally.running
    return whole
