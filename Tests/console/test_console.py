"""The operator console (Public/index.html) in a real headless Chromium against the demo gateway.

Run against a running demo gateway (tenant key `demo-key`):

    GATEWAY_URL=http://127.0.0.1:8080 python -m unittest -v Tests/console/test_console.py

Environment:
    GATEWAY_URL          the gateway (required)
    CONSOLE_SCREENSHOT   where to save the screenshot (default .build/console-screenshot.png)
    CHROMIUM_BINARY      the browser (default: chromium on PATH)
    CHROMEDRIVER         the driver (default: chromedriver on PATH)

Every test also asserts that the browser logged no error: no JavaScript error, no CSP violation,
no failed load, except the HTTP errors the test provokes on purpose (the 401 of a wrong key, the 501
of an unsupported operation), which Chromium always logs as network errors.
"""

import json
import os
import re
import shutil
import unittest
import uuid

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

GATEWAY_URL = os.environ.get("GATEWAY_URL", "").rstrip("/")
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SCREENSHOT = os.path.abspath(os.environ.get("CONSOLE_SCREENSHOT", os.path.join(ROOT, ".build", "console-screenshot.png")))
KEY_STORAGE = "connector-gateway.console.api-key"
UNCERTAIN_STORAGE = "connector-gateway.console.uncertain-replies"
WAIT_S = 20


def _find(name, env):
    path = os.environ.get(env) or shutil.which(name)
    if not path:
        raise unittest.SkipTest(f"{name} not found (install it or set {env})")
    return path


class ConsoleTest(unittest.TestCase):
    driver = None

    @classmethod
    def setUpClass(cls):
        if not GATEWAY_URL:
            raise unittest.SkipTest("GATEWAY_URL is not set")
        options = webdriver.ChromeOptions()
        options.binary_location = os.environ.get("CHROMIUM_BINARY") or _find("chromium", "CHROMIUM_BINARY")
        for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                         "--window-size=1280,1000", "--lang=en-US"):
            options.add_argument(argument)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        # An explicit driver path: Selenium Manager must not try to download anything.
        service = Service(executable_path=_find("chromedriver", "CHROMEDRIVER"))
        cls.driver = webdriver.Chrome(service=service, options=options)
        cls.driver.set_page_load_timeout(WAIT_S)

    @classmethod
    def tearDownClass(cls):
        if cls.driver:
            cls.driver.quit()

    def setUp(self):
        self.expected_network_errors = []
        self.driver.set_window_size(1280, 1000)
        self.driver.get(GATEWAY_URL + "/")
        self.driver.execute_script("sessionStorage.clear(); localStorage.clear();")
        self.driver.get(GATEWAY_URL + "/")
        self.driver.get_log("browser")  # start each test with an empty log

    def tearDown(self):
        # given the page did what the test asked, then the browser logged no error of its own
        unexpected = []
        for entry in self.driver.get_log("browser"):
            if entry["level"] != "SEVERE":
                continue
            if entry.get("source") == "network" and any(re.search(p, entry["message"]) for p in self.expected_network_errors):
                continue
            unexpected.append(entry["message"])
        self.assertEqual(unexpected, [], "the browser console logged errors")

    # ---- helpers -------------------------------------------------------------------------------

    def wait(self, condition, message):
        def safe(driver):
            try:
                return condition(driver)
            except StaleElementReferenceException:
                return False
        return WebDriverWait(self.driver, WAIT_S).until(safe, message)

    def by_id(self, element_id):
        return self.driver.find_element(By.ID, element_id)

    def message_text(self):
        return self.by_id("messages").text

    def wait_for_message(self, *fragments):
        return self.wait(lambda d: all(f in self.message_text() for f in fragments) and self.message_text(),
                         f"no message containing {fragments}; last: {self.message_text()!r}")

    def enter_key(self, key):
        field = self.by_id("api-key")
        field.clear()
        field.send_keys(key, Keys.ENTER)  # the keyboard, not the mouse

    def connector_row(self, name):
        return self.wait(lambda d: d.find_element(By.CSS_SELECTOR, f'tr[data-connector="{name}"]'),
                         f"no row for {name}")

    def browse(self, name, status, limit="20"):
        self.connector_row(name).find_element(By.CSS_SELECTOR, "button.browse").click()
        self.wait_for_list(name, Select(self.by_id("status-filter")).first_selected_option.get_attribute("value"),
                           Select(self.by_id("page-size")).first_selected_option.get_attribute("value"))
        for select_id, value in (("status-filter", status), ("page-size", limit)):
            select = Select(self.by_id(select_id))
            if select.first_selected_option.get_attribute("value") != value:
                select.select_by_value(value)  # a change lists again
                self.wait_for_list(name, Select(self.by_id("status-filter")).first_selected_option.get_attribute("value"),
                                   Select(self.by_id("page-size")).first_selected_option.get_attribute("value"))

    def wait_for_list(self, name, status, limit):
        self.wait(lambda d: self.by_id("items-list").get_attribute("aria-busy") is None
                  and d.find_elements(By.CSS_SELECTOR, "#items-list > li")
                  and f"{name}: " in self.message_text() and f"({status}, {limit} per page) on page 1" in self.message_text(),
                  f"{name} items ({status}, {limit}) did not load; last message: {self.message_text()!r}")

    def listed_ids(self):
        return [li.get_attribute("data-item-id") for li in self.driver.find_elements(By.CSS_SELECTOR, "#items-list > li.item")]

    def open_item(self, item_id):
        self.driver.find_element(By.CSS_SELECTOR, f'#items-list li[data-item-id="{item_id}"] button.open-item').click()
        self.wait(lambda d: self.by_id("item-section").is_displayed() and item_id in self.by_id("item-heading").text,
                  f"item {item_id} did not open")

    def item_field(self, name):
        return self.driver.find_element(By.CSS_SELECTOR, f'#item-fields dd[data-field="{name}"]').text

    # ---- tests ---------------------------------------------------------------------------------

    def test_key_shows_connectors_with_configuration_and_circuits(self):
        # when the operator pastes the demo key and presses Enter
        self.enter_key("demo-key")
        row = self.connector_row("wildberries/review")
        # then every connector is listed, configured, and the key is kept for this tab only
        self.wait(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#connectors-body tr")) == 6, "not 6 connectors")
        self.assertIn("configured", row.text)
        self.assertNotIn("not configured", row.text)
        self.assertEqual(self.driver.execute_script(f"return sessionStorage.getItem('{KEY_STORAGE}')"), "demo-key")
        self.assertEqual(self.driver.execute_script("return localStorage.length"), 0)
        # when it browses Wildberries reviews, then the row shows that upstream's circuit state
        self.browse("wildberries/review", "all")
        self.wait(lambda d: "closed" in self.connector_row("wildberries/review").text, "no circuit state shown")
        # and a reload of the tab keeps the key and lists the connectors again
        self.driver.refresh()
        self.connector_row("ozon/chat")
        self.assertEqual(self.by_id("api-key").get_attribute("value"), "demo-key")

    def test_reply_to_an_unanswered_wildberries_review_answers_it(self):
        self.enter_key("demo-key")
        # given the unanswered Wildberries reviews
        self.browse("wildberries/review", "unanswered", limit="5")
        item_id = self.listed_ids()[0]
        self.assertIn("unanswered", self.driver.find_element(By.CSS_SELECTOR, f'li[data-item-id="{item_id}"]').text)
        # when the agent opens one, its raw upstream object is there
        self.open_item(item_id)
        self.assertEqual(self.item_field("status"), "unanswered")
        self.by_id("raw-details").find_element(By.TAG_NAME, "summary").click()
        self.assertIn(f'"id": "{item_id}"', self.by_id("item-raw").text)
        # when it replies
        text = f"Thank you for the review! ({uuid.uuid4().hex[:8]})"
        self.by_id("reply-text").send_keys(text)
        self.by_id("send-reply").click()
        # then the reopened item is answered and shows the reply
        self.wait_for_message("Reply sent to " + item_id)
        self.wait(lambda d: self.item_field("status") == "answered" and text in self.item_field("reply"),
                  "the reopened item does not show the reply")
        self.assertIn("answered", self.driver.find_element(By.CSS_SELECTOR, f'li[data-item-id="{item_id}"]').text)
        # (the page as the agent sees it now, whole, for the README)
        height = self.driver.execute_script("return document.documentElement.scrollHeight")
        self.driver.set_window_size(1280, min(max(height + 140, 800), 4000))
        self.driver.execute_script("window.scrollTo(0, 0)")
        os.makedirs(os.path.dirname(SCREENSHOT), exist_ok=True)
        self.assertTrue(self.driver.save_screenshot(SCREENSHOT))
        print(f"\nscreenshot: {SCREENSHOT}")
        # and a fresh list of answered reviews has it, with the reply
        self.browse("wildberries/review", "answered", limit="100")
        page = 1
        while item_id not in self.listed_ids() and self.by_id("next-page").is_enabled() and page < 10:
            page += 1
            self.by_id("next-page").click()
            self.wait(lambda d, n=page: f"on page {n}" in self.message_text(), f"no page {page}")
        self.assertIn(item_id, self.listed_ids(), f"{item_id} is not among the answered reviews")
        self.open_item(item_id)
        self.assertIn(text, self.item_field("reply"))

    def test_an_answered_wildberries_question_is_replaced_only_when_the_box_says_so(self):
        self.expected_network_errors.append(r"/reply - Failed to load resource: .* status of 422")
        self.enter_key("demo-key")
        # given a Wildberries question the agent has just answered (an unanswered one offers no box)
        self.browse("wildberries/question", "unanswered", limit="5")
        item_id = self.listed_ids()[0]
        self.open_item(item_id)
        self.assertFalse(self.by_id("replace-row").is_displayed())
        first = f"Yes, it does. ({uuid.uuid4().hex[:8]})"
        self.by_id("reply-text").send_keys(first)
        self.by_id("send-reply").click()
        self.wait_for_message("Reply sent to " + item_id)
        self.wait(lambda d: first in self.item_field("reply"), "the reopened item does not show the answer")
        before = self.item_field("reply")
        # then the box to replace its answer is offered, unticked
        self.wait(lambda d: self.by_id("replace-row").is_displayed(), "no box to replace the answer")
        self.assertFalse(self.by_id("reply-replace").is_selected())
        # when the agent sends other words without ticking it
        text = f"Yes, it fits the 2024 model. ({uuid.uuid4().hex[:8]})"
        self.by_id("reply-text").send_keys(text)
        self.by_id("send-reply").click()
        # then the gateway refuses to overwrite the answer, and the item still shows the old one
        self.wait_for_message("already has another answer")
        self.assertEqual(self.item_field("reply"), before)
        # when it ticks the box and sends again
        self.by_id("reply-replace").click()
        self.by_id("send-reply").click()
        # then the answer is replaced, and the box is cleared for the next reply
        self.wait_for_message("Reply sent to " + item_id)
        self.wait(lambda d: text in self.item_field("reply"), "the reopened item does not show the new answer")
        self.assertFalse(self.by_id("reply-replace").is_selected())
        # and a box ticked on one item is not carried over to another answered one
        self.by_id("reply-replace").click()
        self.browse("wildberries/question", "answered", limit="5")
        other = next(i for i in self.listed_ids() if i != item_id)
        self.open_item(other)
        self.assertTrue(self.by_id("replace-row").is_displayed())
        self.assertFalse(self.by_id("reply-replace").is_selected(), "the box ticked on another item stayed ticked")

    def test_pages_follow_next_cursor_and_come_back(self):
        self.enter_key("demo-key")
        self.browse("ozon/review", "all", limit="5")
        first = self.listed_ids()
        self.assertEqual(len(first), 5)
        # when the operator goes to the next page, then other items show; previous shows the first again
        self.by_id("next-page").send_keys(Keys.ENTER)
        self.wait(lambda d: "page 2" in self.message_text(), "no page 2")
        # and the keyboard's place is kept: the focus is still on the pager, not back at the page's start
        self.assertEqual(self.driver.execute_script("return document.activeElement.id"), "next-page")
        second = self.listed_ids()
        self.assertTrue(second and not set(second) & set(first), "page 2 repeats page 1")
        self.by_id("prev-page").click()
        self.wait(lambda d: "page 1" in self.message_text() and self.listed_ids() == first, "previous page differs")
        self.assertFalse(self.by_id("prev-page").is_enabled())

    def test_wrong_key_shows_the_unauthorized_problem_with_its_request_id(self):
        self.expected_network_errors.append(r"/connectors - Failed to load resource: .* status of 401")
        # when the operator pastes a wrong key
        self.enter_key("not-a-key")
        # then the problem is a readable message with its title, code and request id
        self.wait_for_message("Listing connectors failed", "401", "unauthorized", "request id")
        request_id = self.driver.find_element(By.CSS_SELECTOR, "#messages code.request-id").text
        self.assertRegex(request_id, r"^[A-Za-z0-9._:-]{1,128}$")
        self.assertEqual(self.by_id("message-live").get_attribute("aria-live"), "polite")
        # and the live region holds the message, not the dismiss button (read out with every message)
        self.assertNotIn("Dismiss", self.by_id("message-live").get_attribute("innerHTML"))
        self.assertTrue(self.driver.find_element(By.CSS_SELECTOR, "#messages button.dismiss").is_displayed())
        self.assertFalse(self.by_id("connectors-table").is_displayed())
        self.assertIsNone(self.driver.execute_script(f"return sessionStorage.getItem('{KEY_STORAGE}')"),
                          "a refused key is still stored")

    def test_mark_read_where_unsupported_explains_it(self):
        self.expected_network_errors.append(r"/read - Failed to load resource: .* status of 501")
        self.enter_key("demo-key")
        self.browse("wildberries/review", "all")
        self.open_item(self.listed_ids()[0])
        # when the agent marks a Wildberries review read (Wildberries has no API for it)
        self.by_id("mark-read").click()
        # then it reads why, with the code and the request id
        self.wait_for_message("Marking read failed", "501", "operation_not_supported", "request id")

    def test_keyboard_focus_is_visible_and_the_page_fits_a_phone(self):
        self.enter_key("demo-key")
        self.connector_row("wildberries/review")
        # when focus moves by keyboard from the key field, then the focused button has an outline
        self.by_id("api-key").send_keys(Keys.TAB)
        focused = self.driver.switch_to.active_element
        self.assertEqual(focused.get_attribute("id"), "use-key")
        self.assertNotEqual(focused.value_of_css_property("outline-style"), "none")
        # when the window is as narrow as a phone, then nothing scrolls sideways
        self.driver.set_window_size(375, 800)
        self.browse("ozon/chat", "all")
        self.open_item(self.listed_ids()[0])
        width = self.driver.execute_script("return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        self.assertLessEqual(width[0], width[1], "the page scrolls sideways on a narrow screen")
        # and every input has a label
        unlabelled = self.driver.execute_script(
            "return [...document.querySelectorAll('input, select, textarea')]"
            ".filter(e => !e.labels || e.labels.length === 0).map(e => e.id)")
        self.assertEqual(unlabelled, [])

    def delay_fetches(self, pattern, milliseconds):
        """Makes the page's requests whose URL matches `pattern` answer `milliseconds` late."""
        self.driver.execute_script("""
            const [pattern, ms] = arguments;
            const original = window.fetch;
            window.fetch = (url, init) => original(url, init).then((response) =>
                new RegExp(pattern).test(String(url)) ? new Promise((r) => setTimeout(() => r(response), ms)) : response);
        """, pattern, milliseconds)

    def test_a_reply_on_its_way_when_the_tab_reloads_is_kept_with_its_key_as_a_lost_answer(self):
        self.enter_key("demo-key")
        self.browse("ozon/chat", "all")
        item_id = self.listed_ids()[0]
        self.open_item(item_id)
        # given a reply on its way, held in the page (so the gateway never gets it), the key it
        # went under written down as it goes
        self.driver.execute_script("""
            const original = window.fetch;
            window.fetch = (url, init) => {
              if (!/\\/reply$/.test(String(url))) return original(url, init);
              sessionStorage.setItem("test-sent-key", init.headers["Idempotency-Key"]);
              return new Promise(() => {});
            };""")
        text = f"Уточним и ответим ({uuid.uuid4().hex[:6]})"
        self.by_id("reply-text").send_keys(text)
        self.by_id("send-reply").click()
        self.wait(lambda d: d.execute_script("return sessionStorage.getItem('test-sent-key')"), "the reply was not sent")
        # when the tab is reloaded before the answer comes
        self.driver.refresh()
        self.connector_row("ozon/chat")
        # then the reply is kept as one of unknown outcome, with its text and the key it went under:
        # the same text sent again goes under that key, and the gateway replays rather than sends twice
        sent_key = self.driver.execute_script("return sessionStorage.getItem('test-sent-key')").strip('"')
        kept = dict(json.loads(self.driver.execute_script("return sessionStorage.getItem(arguments[0])", UNCERTAIN_STORAGE) or "[]"))
        entry = next((v for k, v in kept.items() if k.endswith("/" + item_id + "/reply") or item_id in k), None)
        self.assertIsNotNone(entry, f"no reply of unknown outcome kept: {kept}")
        self.assertEqual(entry["text"], text)
        self.assertEqual(entry["key"], sent_key)
        # and when the same text is sent again, then it goes under that key, without asking
        self.driver.execute_script("""
            const original = window.fetch;
            window.resentKeys = [];
            window.confirms = 0;
            window.confirm = () => { window.confirms++; return false; };
            window.fetch = (url, init) => {
              if (/\\/reply$/.test(String(url))) window.resentKeys.push(init.headers["Idempotency-Key"]);
              return original(url, init);
            };""")
        self.browse("ozon/chat", "all")
        self.open_item(item_id)
        self.by_id("reply-text").send_keys(text)
        self.by_id("send-reply").click()
        self.wait_for_message("Reply sent to " + item_id)
        self.assertEqual([key.strip('"') for key in self.driver.execute_script("return window.resentKeys")], [sent_key])
        self.assertEqual(self.driver.execute_script("return window.confirms"), 0)

    def test_a_proxys_429_without_a_problem_says_the_wait_its_retry_after_header_names(self):
        self.enter_key("demo-key")
        self.connector_row("ozon/chat")
        # given a proxy in front that refuses the list with a bare 429 and a Retry-After header
        self.driver.execute_script("""
            const original = window.fetch;
            window.fetch = (url, init) => /\\/items\\?/.test(String(url))
                ? Promise.resolve(new Response("Too Many Requests", {status: 429, headers: {"Retry-After": "7", "Content-Type": "text/plain"}}))
                : original(url, init);""")
        # when the agent browses
        self.connector_row("ozon/chat").find_element(By.CSS_SELECTOR, "button.browse").click()
        # then the message says the status and the wait
        self.wait_for_message("failed: HTTP 429", "retry after 7 s")

    def test_a_late_answer_of_the_connector_left_does_not_replace_the_one_chosen(self):
        self.enter_key("demo-key")
        self.connector_row("ozon/chat")
        # given Wildberries reviews answer slowly
        self.delay_fetches(r"/wildberries/review/items", 1500)
        # when the operator browses them and, before they come, browses Ozon chats
        self.connector_row("wildberries/review").find_element(By.CSS_SELECTOR, "button.browse").click()
        self.connector_row("ozon/chat").find_element(By.CSS_SELECTOR, "button.browse").click()
        self.wait(lambda d: "ozon/chat: " in self.message_text() and self.listed_ids(), "ozon/chat did not load")
        chats = self.listed_ids()
        self.driver.execute_script("return new Promise((r) => setTimeout(r, 2500))")
        # then the Ozon chats stay, under their own heading
        self.assertEqual(self.listed_ids(), chats)
        self.assertEqual(self.by_id("items-heading").text, "Items of ozon/chat")
        self.assertIn("ozon/chat: ", self.message_text())

    def test_a_list_that_fails_after_a_switch_does_not_show_the_previous_connectors_items(self):
        self.expected_network_errors.append(r"/items\?.* - Failed to load resource: .* status of 400")
        self.enter_key("demo-key")
        self.browse("wildberries/review", "all")
        self.assertTrue(self.listed_ids())
        # when the next connector's list fails (a page size the gateway refuses)
        self.driver.execute_script("""
            const option = document.createElement('option');
            option.value = '1000'; option.textContent = '1000';
            document.getElementById('page-size').append(option);
            document.getElementById('page-size').value = '1000';
        """)
        self.connector_row("ozon/review").find_element(By.CSS_SELECTOR, "button.browse").click()
        self.wait_for_message("Listing ozon/review items failed", "400")
        # then no item of Wildberries is shown under the Ozon heading, and there is no next page
        self.assertEqual(self.listed_ids(), [])
        self.assertIn("could not be loaded", self.by_id("items-list").text)
        self.assertFalse(self.by_id("next-page").is_enabled())

    def test_a_reply_being_sent_keeps_the_text_and_focus_for_the_next(self):
        self.enter_key("demo-key")
        self.browse("ozon/chat", "all")
        item_id = self.listed_ids()[0]
        self.open_item(item_id)
        self.delay_fetches(r"/reply$", 1000)
        # when the agent sends a reply from the keyboard
        text = f"Проверяем ваш заказ ({uuid.uuid4().hex[:6]})"
        self.by_id("reply-text").send_keys(text)
        self.by_id("send-reply").send_keys(Keys.ENTER)
        # then the text cannot change while it is sent, and afterwards the field is empty and focused
        self.wait(lambda d: self.by_id("reply-text").get_attribute("readonly") is not None, "the text stays editable while sending")
        self.wait_for_message("Reply sent to " + item_id)
        self.wait(lambda d: self.by_id("reply-text").get_attribute("readonly") is None, "the text stays read-only")
        self.assertEqual(self.by_id("reply-text").get_attribute("value"), "")
        self.assertEqual(self.driver.switch_to.active_element.get_attribute("id"), "reply-text")

    def test_an_item_opened_while_a_reply_to_another_is_sent_stays_open(self):
        self.enter_key("demo-key")
        self.browse("ozon/chat", "all")
        first, second = self.listed_ids()[:2]
        self.open_item(first)
        self.delay_fetches(r"/reply$", 1500)
        # when the agent sends a reply to the first chat and, before it is through, opens the second
        self.by_id("reply-text").send_keys(f"Минутку ({uuid.uuid4().hex[:6]})")
        self.by_id("send-reply").click()
        self.open_item(second)
        self.wait_for_message("Reply sent to " + first)
        self.driver.execute_script("return new Promise((r) => setTimeout(r, 500))")
        # then the second chat is still the one shown
        self.assertIn(second, self.by_id("item-heading").text)

    def test_an_item_opened_while_a_reply_to_another_is_sent_opens_though_the_reply_ends_first(self):
        self.enter_key("demo-key")
        self.browse("ozon/chat", "all")
        first, second = self.listed_ids()[:2]
        self.open_item(first)
        # given the reply answers before the second chat does
        self.delay_fetches(r"/reply$", 500)
        self.delay_fetches("/items/" + re.escape(second) + r"\?", 2500)
        # when the agent sends a reply to the first chat and then opens the second
        self.by_id("reply-text").send_keys(f"Минутку ({uuid.uuid4().hex[:6]})")
        self.by_id("send-reply").click()
        self.driver.find_element(By.CSS_SELECTOR, f'#items-list li[data-item-id="{second}"] button.open-item').click()
        self.wait_for_message("Reply sent to " + first)
        # then the page's reload of the first after its reply does not cancel the opening of the second
        self.wait(lambda d: second in self.by_id("item-heading").text, "the second chat never opened")

    def test_a_reply_ends_unlocked_after_the_agent_browsed_the_same_connector_again(self):
        self.enter_key("demo-key")
        self.browse("ozon/chat", "all")
        first = self.listed_ids()[0]
        self.open_item(first)
        self.delay_fetches(r"/reply$", 2000)
        # when the agent sends a reply, browses the same connector again and reopens the chat
        self.by_id("reply-text").send_keys(f"Сейчас уточню ({uuid.uuid4().hex[:6]})")
        self.by_id("send-reply").click()
        self.browse("ozon/chat", "all")
        self.open_item(first)
        self.assertEqual(self.by_id("reply-text").get_attribute("readonly"), "true", "the text being sent shows read-only")
        self.wait_for_message("Reply sent to " + first)
        # then the form is the agent's again
        self.wait(lambda d: self.by_id("reply-text").get_attribute("readonly") is None
                  and self.by_id("send-reply").is_enabled(), "the reply form stayed locked")

    def open_first_ozon_chat(self):
        """Enters the demo key and opens the first Ozon chat; returns its id."""
        self.enter_key("demo-key")
        self.browse("ozon/chat", "all")
        item_id = self.listed_ids()[0]
        self.open_item(item_id)
        return item_id

    def test_a_reply_past_the_connectors_length_is_counted_and_not_sent(self):
        self.open_first_ozon_chat()
        self.driver.execute_script("""
            window.replyCalls = 0;
            const original = window.fetch;
            window.fetch = (url, init) => { if (/\\/reply$/.test(String(url))) window.replyCalls++; return original(url, init); };
        """)
        # when the operator's text is one character past Ozon's 1000 for chats (code points, not bytes)
        self.driver.execute_script("""
            const area = document.getElementById('reply-text');
            area.value = 'я'.repeat(1000) + '😀';
            area.dispatchEvent(new Event('input'));
        """)
        # then the counter says so, and sending it says why without calling the gateway
        self.assertEqual(self.by_id("reply-count").text, "1001 of 1000 characters: 1 too many")
        self.by_id("send-reply").click()
        # beside the form, where the operator looks, not in the message box at the page's top
        self.wait(lambda d: self.by_id("reply-error").is_displayed()
                  and "1 to 1000 characters" in self.by_id("reply-error").text and "this one has 1001" in self.by_id("reply-error").text,
                  f"no error beside the reply form; it says {self.by_id('reply-error').text!r}")
        self.assertEqual(self.by_id("reply-text").get_attribute("aria-invalid"), "true")
        self.assertEqual(self.driver.execute_script("return document.activeElement.id"), "reply-text")
        self.assertEqual(self.driver.execute_script("return window.replyCalls"), 0)
        # and one character less is within them
        self.by_id("reply-text").send_keys(Keys.BACKSPACE)
        self.assertEqual(self.by_id("reply-count").text, "1000 of 1000 characters")

    def test_a_reply_whose_answer_is_lost_is_looked_for_before_anything_else_goes_out(self):
        item_id = self.open_first_ozon_chat()
        # given the reply reaches the gateway but its answer is lost on the way back
        self.driver.execute_script("""
            const original = window.fetch;
            window.fetch = (url, init) => /\\/reply$/.test(String(url))
                ? original(url, init).then(() => { throw new TypeError("Failed to fetch"); })
                : original(url, init);
        """)
        text = f"Заказ уже в пути ({uuid.uuid4().hex[:6]})"
        self.by_id("reply-text").send_keys(text)
        self.by_id("send-reply").click()
        # then the page looks at the item, finds the reply there, and says so rather than invite a resend
        self.wait_for_message("reached " + item_id + " after all")
        self.assertEqual(self.by_id("reply-text").get_attribute("value"), "")

    def test_the_same_text_after_a_lost_answer_goes_again_under_the_same_key_without_asking(self):
        item_id = self.open_first_ozon_chat()
        # given the first attempt is lost on the way (it never reaches the gateway); later ones go through
        self.driver.execute_script("""
            const original = window.fetch;
            window.sentKeys = [];
            let lost = false;
            window.fetch = (url, init) => {
                if (/\\/reply$/.test(String(url))) {
                    window.sentKeys.push(init.headers["Idempotency-Key"]);
                    if (!lost) { lost = true; return Promise.reject(new TypeError("Failed to fetch")); }
                }
                return original(url, init);
            };
        """)
        text = f"Отправили сегодня ({uuid.uuid4().hex[:6]})"
        self.by_id("reply-text").send_keys(text)
        self.by_id("send-reply").click()
        self.wait_for_message("Sending the reply")
        self.wait(lambda d: self.by_id("send-reply").is_enabled(), "the button stays disabled")
        # when the same text is sent again: no question asked (an alert would fail the test), same key
        self.by_id("send-reply").click()
        self.wait_for_message("Reply sent to " + item_id)
        keys = self.driver.execute_script("return window.sentKeys")
        self.assertEqual(len(keys), 2)
        self.assertEqual(keys[0], keys[1])

    def test_forgetting_the_key_drops_answers_still_on_their_way(self):
        self.enter_key("demo-key")
        self.delay_fetches(r"/items\?", 1500)
        # when a list is asked for and the key forgotten before it comes
        self.connector_row("wildberries/review").find_element(By.CSS_SELECTOR, "button.browse").click()
        self.by_id("forget-key").click()
        self.driver.execute_script("return new Promise((r) => setTimeout(r, 2500))")
        # then nothing of the tenant's shows up afterwards
        self.assertEqual(self.listed_ids(), [])
        self.assertIn("forgotten", self.message_text())


    def test_forgetting_the_key_forgets_the_replies_of_unknown_outcome_too(self):
        self.enter_key("demo-key")
        self.connector_row("ozon/chat")
        # given a reply of unknown outcome kept in the tab (its text is the tenant's)
        self.driver.execute_script(
            "sessionStorage.setItem(arguments[0], JSON.stringify([['/connectors/ozon/chat/items/1/reply', {text: 'Секрет покупателя'}]]))",
            UNCERTAIN_STORAGE)
        self.driver.refresh()
        self.connector_row("ozon/chat")
        # when the key is forgotten
        self.by_id("forget-key").click()
        self.wait_for_message("forgotten")
        # then nothing of it stays in the tab
        kept = self.driver.execute_script("return sessionStorage.getItem(arguments[0])", UNCERTAIN_STORAGE)
        self.assertIn(kept, (None, "[]"))

    def test_another_key_drops_what_the_last_one_showed_and_the_same_key_again_keeps_it(self):
        self.expected_network_errors.append(r"/connectors - Failed to load resource: .* status of 401")
        self.enter_key("demo-key")
        self.browse("ozon/review", "all", limit="5")
        self.driver.execute_script(
            "sessionStorage.setItem(arguments[0], JSON.stringify([['/connectors/ozon/review/items/1/reply', {text: 'Ответ покупателю'}]]))",
            UNCERTAIN_STORAGE)
        self.driver.refresh()
        self.connector_row("ozon/review")
        # when the same key is entered again (after a 401 while the gateway restarted, say), nothing is dropped
        self.enter_key("demo-key")
        self.wait_for_message("connectors loaded")
        self.assertIn("Ответ покупателю", self.driver.execute_script("return sessionStorage.getItem(arguments[0])", UNCERTAIN_STORAGE))
        # when another key is entered, then nothing shown or kept under the last one stays
        self.browse("ozon/review", "all", limit="5")
        self.enter_key("another-tenants-key")
        self.wait_for_message("Listing connectors failed", "401")
        self.assertEqual(self.listed_ids(), [])
        self.assertFalse(self.by_id("items-section").is_displayed())
        self.assertIn(self.driver.execute_script("return sessionStorage.getItem(arguments[0])", UNCERTAIN_STORAGE), (None, "[]"))

    def test_a_cursor_the_gateway_no_longer_opens_ends_the_paging_and_says_to_list_again(self):
        self.expected_network_errors.append(r"/items\?.* - Failed to load resource: .* status of 400")
        self.enter_key("demo-key")
        self.browse("ozon/review", "all", limit="5")
        # given the gateway restarted with another cursor secret: every cursor is refused as this one would be
        self.driver.execute_script("""
            const original = window.fetch;
            window.fetch = (url, init) => /[?&]cursor=/.test(String(url))
                ? Promise.resolve(new Response(JSON.stringify({type: "/problems/invalid_request", title: "Invalid request", status: 400,
                    code: "invalid_request", detail: "The request is invalid.",
                    errors: [{field: "cursor", message: "is not one this server issued for this connector and tenant"}]}),
                    {status: 400, headers: {"Content-Type": "application/problem+json"}}))
                : original(url, init);
        """)
        # when the operator goes to the next page
        self.by_id("next-page").click()
        # then the pager offers no page to follow, and the list says what to do
        self.wait(lambda d: "can no longer be followed" in self.by_id("items-list").text, "the list does not say to list again")
        self.assertFalse(self.by_id("next-page").is_enabled())
        self.assertFalse(self.by_id("prev-page").is_enabled())

    def test_a_reply_shorter_than_the_connector_takes_is_counted_and_refused_beside_the_form(self):
        self.enter_key("demo-key")
        self.browse("wildberries/review", "all")
        self.open_item(self.listed_ids()[0])
        # when the operator writes one character (Wildberries takes 2 to 5000)
        self.by_id("reply-text").send_keys("Я")
        # then the counter says the least it takes, and sending says why beside the form
        self.assertEqual(self.by_id("reply-count").text, "1 of 5000 characters: at least 2")
        self.by_id("send-reply").click()
        self.wait(lambda d: self.by_id("reply-error").is_displayed() and "2 to 5000 characters" in self.by_id("reply-error").text,
                  "no error beside the reply form")
        # and typing on clears it
        self.by_id("reply-text").send_keys("!")
        self.assertFalse(self.by_id("reply-error").is_displayed())


    # ---- answers that come after the operator moved on ----------------------------------------

    def test_a_reply_answered_after_the_key_is_forgotten_is_neither_said_nor_kept(self):
        self.open_first_ozon_chat()
        # given the reply's answer is lost on the way, late
        self.driver.execute_script("""
            const original = window.fetch;
            window.fetch = (url, init) => /\\/reply$/.test(String(url))
                ? new Promise((_, reject) => setTimeout(() => reject(new TypeError("Failed to fetch")), 1500))
                : original(url, init);
        """)
        self.by_id("reply-text").send_keys(f"Секрет покупателя ({uuid.uuid4().hex[:6]})")
        self.by_id("send-reply").click()
        # when the key is forgotten before the answer comes
        self.by_id("forget-key").click()
        self.wait_for_message("forgotten")
        self.driver.execute_script("return new Promise((r) => setTimeout(r, 2500))")
        # then the tenant's reply text is not kept in the tab, and the page still says the key is forgotten
        self.assertIn(self.driver.execute_script("return sessionStorage.getItem(arguments[0])", UNCERTAIN_STORAGE), (None, "[]"))
        self.assertIn("forgotten", self.message_text())
        self.assertNotIn("Sending the reply", self.message_text())

    def test_a_mark_read_answered_after_the_key_is_forgotten_says_nothing(self):
        self.open_first_ozon_chat()
        self.delay_fetches(r"/read$", 1500)
        # when the agent marks the chat read and forgets the key before the answer comes
        self.by_id("mark-read").click()
        self.by_id("forget-key").click()
        self.wait_for_message("forgotten")
        self.driver.execute_script("return new Promise((r) => setTimeout(r, 2500))")
        # then the page still says the key is forgotten
        self.assertIn("forgotten", self.message_text())
        self.assertNotIn("marked read", self.message_text())

    def test_the_same_text_after_a_lost_answer_goes_under_the_same_key_though_another_item_was_opened(self):
        self.enter_key("demo-key")
        self.browse("ozon/chat", "all")
        first, second = self.listed_ids()[:2]
        self.open_item(first)
        # given the first attempt is lost on the way, late (it never reaches the gateway); later ones go through
        self.driver.execute_script("""
            const original = window.fetch;
            window.sentKeys = [];
            window.confirms = 0;
            window.confirm = () => { window.confirms++; return false; };
            let lost = false;
            window.fetch = (url, init) => {
                if (/\\/reply$/.test(String(url))) {
                    window.sentKeys.push(init.headers["Idempotency-Key"]);
                    if (!lost) {
                        lost = true;
                        return new Promise((_, reject) => setTimeout(() => reject(new TypeError("Failed to fetch")), 1500));
                    }
                }
                return original(url, init);
            };
        """)
        text = f"Уточним у склада ({uuid.uuid4().hex[:6]})"
        self.by_id("reply-text").send_keys(text)
        self.by_id("send-reply").click()
        # when the agent opens another chat before the answer is lost, then comes back and sends the same text
        self.open_item(second)
        self.wait_for_message("Sending the reply")
        self.open_item(first)
        self.by_id("reply-text").send_keys(text)
        self.by_id("send-reply").click()
        # then it goes under the first attempt's key, without asking
        self.wait_for_message("Reply sent to " + first)
        keys = self.driver.execute_script("return window.sentKeys")
        self.assertEqual(len(keys), 2)
        self.assertEqual(keys[0], keys[1])
        self.assertEqual(self.driver.execute_script("return window.confirms"), 0)

    def test_a_reply_after_a_proxys_504_goes_again_under_its_key_and_after_a_replayed_failure_asks_first(self):
        self.open_first_ozon_chat()
        # given nginx answers the first attempt 504 (the gateway never saw it), and the gateway
        # answers the third with its replayed failure of an earlier one
        self.driver.execute_script("""
            const original = window.fetch;
            window.sentKeys = [];
            window.confirms = 0;
            window.confirm = () => { window.confirms++; return false; };
            window.fetch = (url, init) => {
                if (/\\/reply$/.test(String(url))) {
                    window.sentKeys.push(init.headers["Idempotency-Key"]);
                    if (window.sentKeys.length === 1) {
                        return Promise.resolve(new Response(JSON.stringify({type: "/problems/gateway_timeout", title: "Gateway timeout",
                            status: 504, code: "gateway_timeout", detail: "The gateway did not answer in time."}),
                            {status: 504, headers: {"Content-Type": "application/problem+json"}}));
                    }
                    return Promise.resolve(new Response(JSON.stringify({type: "/problems/upstream_error", title: "Upstream error",
                        status: 502, code: "upstream_error", detail: "Ozon answered 500."}),
                        {status: 502, headers: {"Content-Type": "application/problem+json", "Idempotent-Replayed": "true"}}));
                }
                return original(url, init);
            };
        """)
        text = f"Проверим заказ ({uuid.uuid4().hex[:6]})"
        self.by_id("reply-text").send_keys(text)
        self.by_id("send-reply").click()
        self.wait(lambda d: "504" in self.message_text() and self.by_id("send-reply").is_enabled(), "the 504 was not said")
        # when the same text is sent again
        self.by_id("send-reply").click()
        # then it went under the first attempt's key, without asking
        self.wait(lambda d: len(d.execute_script("return window.sentKeys")) == 2 and "502" in self.message_text()
                  and self.by_id("send-reply").is_enabled(), "the second attempt was not answered")
        keys = self.driver.execute_script("return window.sentKeys")
        self.assertEqual(keys[0], keys[1])
        self.assertEqual(self.driver.execute_script("return window.confirms"), 0)
        # when, the gateway having replayed its failure under that key, it is sent once more
        self.by_id("send-reply").click()
        # then the operator is asked first (and, declining, nothing more is sent)
        self.wait(lambda d: d.execute_script("return window.confirms") == 1, "the third attempt did not ask")
        self.assertEqual(len(self.driver.execute_script("return window.sentKeys")), 2)
        self.assertIn("may already have arrived", self.by_id("reply-error").text)

    def test_a_reply_failure_stays_said_when_the_item_cannot_be_reloaded_either(self):
        item_id = self.open_first_ozon_chat()
        # given the reply fails with a 502 and the gateway cannot be reached to reload the item
        self.driver.execute_script("""
            const original = window.fetch;
            window.reloads = 0;
            window.fetch = (url, init) => {
                if (/\\/reply$/.test(String(url))) {
                    return Promise.resolve(new Response(JSON.stringify({type: "/problems/upstream_error", title: "Upstream error",
                        status: 502, code: "upstream_error", detail: "Ozon answered 500."}),
                        {status: 502, headers: {"Content-Type": "application/problem+json"}}));
                }
                if (/\\/items\\/[^/?]+\\?include_raw/.test(String(url))) {
                    window.reloads++;
                    return Promise.reject(new TypeError("Failed to fetch"));
                }
                return original(url, init);
            };
        """)
        self.by_id("reply-text").send_keys(f"Ждём поставку ({uuid.uuid4().hex[:6]})")
        self.by_id("send-reply").click()
        # when the page has tried to look at the item
        self.wait(lambda d: d.execute_script("return window.reloads") >= 1 and self.by_id("send-reply").is_enabled(),
                  "the item was not looked at after the reply failed")
        # then the reply's failure is what the message says, not the reload's
        self.assertIn("Sending the reply failed", self.message_text())
        self.assertIn("502", self.message_text())
        self.assertNotIn(f"Opening item {item_id}", self.message_text())

    def test_a_reply_being_sent_stays_guarded_through_a_reload_and_another_items_form_stays_usable(self):
        self.enter_key("demo-key")
        self.browse("ozon/chat", "all")
        first, second = self.listed_ids()[:2]
        self.open_item(first)
        self.delay_fetches(r"/reply$", 3000)
        self.by_id("reply-text").send_keys(f"Скоро ответим ({uuid.uuid4().hex[:6]})")
        self.by_id("send-reply").click()
        self.wait(lambda d: self.by_id("reply-text").get_attribute("readonly") is not None, "the text stays editable while sending")
        # when the agent reloads the item while its reply is on the way
        self.by_id("reload-item").click()
        self.wait_for_message(f"Item {first} reloaded")
        # then the reply cannot be sent twice, nor its text changed
        self.assertFalse(self.by_id("send-reply").is_enabled())
        self.assertIsNotNone(self.by_id("reply-text").get_attribute("readonly"))
        # when it opens another chat meanwhile, then that chat's form is usable
        self.open_item(second)
        self.assertIsNone(self.by_id("reply-text").get_attribute("readonly"))
        self.assertTrue(self.by_id("send-reply").is_enabled())
        # and what it types there stays when the first chat's reply is through
        self.by_id("reply-text").send_keys("Черновик")
        self.wait_for_message("Reply sent to " + first)
        self.assertEqual(self.by_id("reply-text").get_attribute("value"), "Черновик")
        self.assertTrue(self.by_id("send-reply").is_enabled())

    def test_an_item_that_fails_to_open_does_not_leave_the_last_one_open_to_reply_to(self):
        self.enter_key("demo-key")
        self.browse("ozon/chat", "all")
        first, second = self.listed_ids()[:2]
        self.open_item(first)
        # given the second chat cannot be fetched
        self.driver.execute_script("""
            const [id] = arguments;
            const original = window.fetch;
            window.fetch = (url, init) => String(url).includes("/items/" + encodeURIComponent(id) + "?")
                ? Promise.reject(new TypeError("Failed to fetch"))
                : original(url, init);
        """, second)
        # when the agent opens it
        self.driver.find_element(By.CSS_SELECTOR, f'#items-list li[data-item-id="{second}"] button.open-item').click()
        self.wait_for_message(f"Opening item {second} failed")
        # then the first chat is not left open, its Send ready for a reply meant for the second
        self.assertFalse(self.by_id("item-section").is_displayed())

    def test_the_same_key_entered_again_while_a_list_loads_still_lists_it(self):
        self.enter_key("demo-key")
        self.connector_row("wildberries/review")
        self.delay_fetches(r"/items\?", 1500)
        # when the operator browses a connector and presses Enter on the same key before the list comes
        self.connector_row("wildberries/review").find_element(By.CSS_SELECTOR, "button.browse").click()
        self.enter_key("demo-key")
        # then the list still comes, rather than "Loading…" for good
        self.wait(lambda d: self.listed_ids(), f"the list never came; it says {self.by_id('items-list').text!r}")
        self.assertEqual(self.by_id("items-heading").text, "Items of wildberries/review")

    def test_dismissing_a_message_gives_the_focus_back_to_where_it_was(self):
        self.expected_network_errors.append(r"/read - Failed to load resource: .* status of 501")
        self.enter_key("demo-key")
        self.browse("wildberries/review", "all")
        self.open_item(self.listed_ids()[0])
        # given a message said about the keyboard's Mark read
        self.by_id("mark-read").send_keys(Keys.ENTER)
        self.wait_for_message("Marking read failed")
        # when the operator dismisses it from the keyboard
        self.driver.find_element(By.CSS_SELECTOR, "#messages button.dismiss").send_keys(Keys.ENTER)
        self.wait(lambda d: not self.message_text(), "the message stays")
        # then the focus is back on Mark read, not at the page's start
        self.assertEqual(self.driver.execute_script("return document.activeElement.id"), "mark-read")

    # ---- what the marketplace sends ------------------------------------------------------------

    def rewrite_answers(self, pattern, rewrite):
        """Makes the page's requests whose URL matches `pattern` answer with their JSON body changed
        by `rewrite`, a JavaScript function body over the item `i` (for a list, each of its items)."""
        self.driver.execute_script("""
            const [pattern, body] = arguments;
            const change = new Function("i", body);
            const original = window.fetch;
            window.fetch = (url, init) => original(url, init).then(async (response) => {
                if (!new RegExp(pattern).test(String(url))) return response;
                const data = await response.json();
                (data.items || [data]).forEach(change);
                return new Response(JSON.stringify(data), {status: response.status, headers: {"Content-Type": "application/json"}});
            });
        """, pattern, rewrite)

    def test_an_unbroken_long_name_does_not_widen_the_page_on_a_phone(self):
        self.enter_key("demo-key")
        self.connector_row("ozon/chat")
        self.driver.set_window_size(375, 800)
        # given an author whose name is 300 characters without a space
        self.rewrite_answers(r"/items\?", "i.author = {name: 'x'.repeat(300)};")
        self.browse("ozon/chat", "all")
        # then nothing scrolls sideways
        width = self.driver.execute_script("return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        self.assertLessEqual(width[0], width[1], "the page scrolls sideways on a narrow screen")

    def test_a_date_the_marketplace_did_not_give_shows_as_unknown(self):
        self.enter_key("demo-key")
        self.connector_row("ozon/chat")
        # given items whose date the gateway could not read (it sends the epoch for them)
        self.rewrite_answers(r"/items", "i.created_at = '1970-01-01T00:00:00.000Z';")
        self.browse("ozon/chat", "all")
        item_id = self.listed_ids()[0]
        # then neither the list nor the item shows a date of 1970
        self.assertIn("unknown", self.driver.find_element(By.CSS_SELECTOR, f'li[data-item-id="{item_id}"] .item-head').text)
        self.open_item(item_id)
        self.assertEqual(self.item_field("created"), "unknown")
        self.assertNotIn("1970", self.by_id("items-list").text)


if __name__ == "__main__":
    unittest.main(verbosity=2)
