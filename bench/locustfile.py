"""Load scenario (issue 7): leaders browsing the God-view and drill-downs, AMs working their week.

Run through `python -m bench.load` (it starts gunicorn, writes the plan, runs locust headless and
writes bench/RESULTS-load.md). The plan is a JSON file named by GV_LOAD_PLAN:

    {"leaders": [...usernames], "ams": {"username": [client ids]}, "pods": [ids], "people": [ids],
     "clients": [ids], "tiers": [codes], "password": "godview"}

Each simulated user signs in once (on_start) and keeps its session. Requests are grouped by type
(`name=`) so the report shows one row per kind of request, not one per URL.
"""

import json
import os
import random
import re

from locust import HttpUser, between, constant, task

PLAN = json.loads(open(os.environ["GV_LOAD_PLAN"]).read())  # noqa: SIM115 - read once at import
WIDGETS = ("warnings", "risk", "heatmap", "pods", "people", "performers", "freshness")
PERIODS = ("4w", "12w", "26w")
INPUT = re.compile(r"<input\b[^>]*>", re.I)
ATTR = re.compile(r'(\w[\w-]*)="([^"]*)"')


def form_inputs(html: str, form_id: str) -> dict[str, str]:
    """name → value of the <input>s inside the form with this id (hidden token, CSRF, dates)."""
    start = html.find(f'id="{form_id}"')
    if start < 0:
        return {}
    body = html[start : html.find("</form>", start)]
    values = {}
    for tag in INPUT.findall(body):
        attrs = dict(ATTR.findall(tag))
        if "name" in attrs and attrs.get("type") not in ("checkbox", "submit"):
            values[attrs["name"]] = attrs.get("value", "")
    return values


class SignedIn(HttpUser):
    abstract = True
    # Think time between actions; none with `bench.load --no-think` (GV_LOAD_THINK=0).
    wait_time = between(1, 3) if os.environ.get("GV_LOAD_THINK", "1") != "0" else constant(0)
    pool: list[str] = []

    def on_start(self) -> None:
        self.username = self.pool.pop(0) if self.pool else random.choice(self.usernames())
        page = self.get("/login/", "login (GET)", expect_login=True)
        token = _csrf(page.text)
        self.post(
            "/login/",
            "login (POST)",
            {"username": self.username, "password": PLAN["password"], "csrfmiddlewaretoken": token},
            ok=lambda r: r.status_code == 302,
            allow_redirects=False,
        )

    def usernames(self) -> list[str]:
        raise NotImplementedError

    def plain_cookies(self) -> None:
        """Production settings mark the session and CSRF cookies Secure; gunicorn here is plain HTTP
        on loopback (a TLS proxy would sit in front), so keep sending them back anyway."""
        for cookie in self.client.cookies:
            cookie.secure = False

    def get(self, url: str, name: str, headers: dict | None = None, expect_login: bool = False):
        """A GET that fails unless it answers 200 with our page (not the login page)."""
        with self.client.get(url, headers=headers or {}, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {url}")
            elif not expect_login and response.url and "/login/" in response.url:
                response.failure(f"{url} sent {self.username} to the login page")
        self.plain_cookies()
        return response

    def post(self, url: str, name: str, data: dict, ok, headers: dict | None = None, **kwargs):
        headers = {"Referer": f"{self.host}{url}"} | (headers or {})
        with self.client.post(url, data=data, headers=headers, name=name, catch_response=True, **kwargs) as response:
            if not ok(response):
                response.failure(f"{response.status_code} for POST {url}: {response.text[:300]}")
        self.plain_cookies()
        return response

    def hx(self, url: str, target: str | None, name: str):
        headers = {"HX-Request": "true"} | ({"HX-Target": target} if target else {})
        return self.get(url, name, headers)


def _csrf(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return match.group(1) if match else ""


class Leader(SignedIn):
    """Leadership: the God-view page and its lazy widgets, filter changes, drill-downs."""

    weight = 1
    pool = list(PLAN["leaders"])

    def usernames(self) -> list[str]:
        return PLAN["leaders"]

    def widgets(self, qs: str = "") -> None:
        # The page's widgets (and the training panel) load themselves with htmx after the page arrives.
        for name in WIDGETS:
            self.hx(f"/widgets/{name}/{qs}", name, f"widget {name}")
        self.hx(f"/training/panel/{qs}", None, "training panel (partial)")

    @task(3)
    def godview(self) -> None:
        self.get("/", "God-view page")
        self.widgets()

    @task(3)
    def change_filters(self) -> None:
        params = {"period": random.choice(PERIODS)}
        choice = random.random()
        if choice < 0.4:
            params["pod"] = random.choice(PLAN["pods"])
        elif choice < 0.7:
            params["tier"] = random.choice(PLAN["tiers"])
        elif choice < 0.85:
            params["am"] = random.choice(PLAN["people"])
        qs = "?" + "&".join(f"{k}={v}" for k, v in params.items())
        self.hx(f"/{qs}", "dashboard-body", "God-view filters (body swap)")
        self.widgets(qs)

    @task(2)
    def client_page(self) -> None:
        pk = random.choice(PLAN["clients"])
        self.get(f"/clients/{pk}/", "client drill-down")
        self.hx(f"/clients/{pk}/work/", None, "client drill-down panel (partial)")

    @task(1)
    def pod_page(self) -> None:
        self.get(f"/pods/{random.choice(PLAN['pods'])}/", "pod drill-down")

    @task(1)
    def person_page(self) -> None:
        pk = random.choice(PLAN["people"])
        self.get(f"/people/{pk}/", "person drill-down")
        self.hx(f"/training/people/{pk}/", None, "person training (partial)")


class AccountManager(SignedIn):
    """An AM: My clients, the week view, a client's panel, and logging this week's goals."""

    weight = 1
    pool = list(PLAN["ams"])

    def usernames(self) -> list[str]:
        return list(PLAN["ams"])

    def a_client(self) -> int:
        return random.choice(PLAN["ams"][self.username])

    @task(3)
    def my_clients(self) -> None:
        self.get("/my/", "/my/")

    @task(2)
    def my_week(self) -> None:
        self.get("/my/week/", "/my/week/")

    @task(2)
    def panel(self) -> None:
        pk = self.a_client()
        self.get(f"/clients/{pk}/work/", "client panel")
        self.hx(f"/clients/{pk}/work/", "panel-goals", "client panel goals (partial)")

    @task(3)
    def log_goal(self) -> None:
        pk = self.a_client()
        url = f"/clients/{pk}/work/goal/"
        form = self.hx(url, f"goal-form-{pk}", "goal form (GET)")
        fields = form_inputs(form.text, f"goal-form-{pk}")
        if not fields.get("form_token"):
            return  # the GET already counts as a failure if it did not answer 200
        data = {
            "csrfmiddlewaretoken": fields.get("csrfmiddlewaretoken", ""),
            "form_token": fields["form_token"],
            "title": f"Load test goal {random.randint(1, 10**6)}",
            "week": fields.get("week", ""),
            "objective": "",
            "shared_with_client": "on",
        }
        self.post(
            url,
            "goal (POST)",
            data,
            ok=lambda r: r.status_code in (200, 201) and "form-saved" in r.text,
            headers={"HX-Request": "true", "HX-Target": f"goal-form-{pk}"},
        )
