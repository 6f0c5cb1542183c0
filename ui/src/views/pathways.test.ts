import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, describe, expect, it } from "vitest";
import App from "../App.svelte";
import { setLanguage } from "../lib/i18n.svelte";
import { gapText, fraction } from "../lib/pathways";
import { MemoryBackend } from "../test/memory-backend";

afterEach(() => {
  cleanup();
  setLanguage("en");
});

async function start(b: MemoryBackend) {
  render(App, { props: { backend: b } });
  await waitFor(() => expect(document.querySelector("#cards, #empty-state")).not.toBeNull());
  await fireEvent.click(screen.getByRole("button", { name: "Pathways" }));
  await screen.findByRole("heading", { level: 1, name: "Pathways" });
}

async function newPathway(name: string, ects: string) {
  await fireEvent.click(screen.getByRole("button", { name: "New pathway" }));
  await fireEvent.input(screen.getByLabelText("Name"), { target: { value: name } });
  await fireEvent.input(screen.getByLabelText("Target ECTS"), { target: { value: ects } });
  await fireEvent.click(screen.getByRole("button", { name: "Save" }));
  await screen.findByRole("heading", { level: 1, name });
  // The credentials to add come from a search in the core.
  await waitFor(() => expect(document.querySelector("#pw-candidates")).not.toBeNull());
}

describe("gap texts", () => {
  it("say what is missing in the UI language, from the core's facts", () => {
    const g = { kind: "ects" as const, more: 7.5, have: 22.5, target: 30, text: "7.5 ECTS more (have 22.5 of 30)" };
    expect(gapText(g)).toBe("7.5 EC more needed (you have 22.5 of 30)");
    setLanguage("nl");
    expect(gapText(g)).toBe("Nog 7,5 EC nodig (je hebt 22,5 van 30)");
    expect(gapText({ kind: "not-counted", title: "X", invalid: true, text: "" })).toContain("ongeldig");
    setLanguage("en");
    expect(fraction(45, 30)).toBe(1);
    expect(fraction(7.5, 30)).toBe(0.25);
    expect(fraction(3, null)).toBeNull();
  });
});

describe("Pathways screen", () => {
  it("makes a pathway, adds credentials, shows exact progress and what is not counted", async () => {
    const b = new MemoryBackend(4); // ECTS 5, 7.5, 3, 15; items 1 and 3 are verified
    await start(b);
    expect(await screen.findByText(/No pathways yet/)).toBeTruthy();
    await newPathway("Energy minor", "30");
    expect(screen.getByText("0 of 30 EC")).toBeTruthy();

    const cands = within(document.querySelector("#pw-candidates") as HTMLElement);
    await fireEvent.click(cands.getByRole("button", { name: "Add Sustainable Energy Systems" }));
    await waitFor(() => expect(screen.getByText("7.5 of 30 EC")).toBeTruthy());
    await fireEvent.click(cands.getByRole("button", { name: "Add Introduction to Machine Learning" }));
    await waitFor(() => expect(screen.getByText("22.5 of 30 EC")).toBeTruthy());
    expect(screen.getByRole("progressbar", { name: "22.5 of 30 EC" }).getAttribute("aria-valuenow")).toBe("22.5");
    expect(screen.getByText("7.5 EC more needed (you have 22.5 of 30)")).toBeTruthy();

    // An unverified credential is shown apart, never in the total.
    await fireEvent.click(cands.getByRole("button", { name: "Add Data Science for Policy Makers" }));
    await waitFor(() => expect(document.querySelector("#pw-apart")?.textContent).toBe("5 EC not counted (invalid or not verified)"));
    expect(screen.getByText("22.5 of 30 EC")).toBeTruthy();
    expect(document.querySelector('#pw-members li[data-standing="unverified"]')).not.toBeNull();
    expect(screen.getByText("“Data Science for Policy Makers” is not verified and does not count")).toBeTruthy();

    // Take one out again.
    await fireEvent.click(screen.getByRole("button", { name: "Take Data Science for Policy Makers out" }));
    await waitFor(() => expect(document.querySelector("#pw-apart")).toBeNull());
    expect(b.pathways[0].members).toHaveLength(2);
  });

  it("adds a credential dropped onto the pathway", async () => {
    const b = new MemoryBackend(4);
    await start(b);
    await newPathway("Drop test", "10");
    const item = document.querySelector('#pw-candidates li[data-id]') as HTMLElement;
    const id = item.dataset.id!;
    const data = new Map<string, string>();
    const dataTransfer = {
      setData: (k: string, v: string) => data.set(k, v), getData: (k: string) => data.get(k) ?? "",
      get types() { return [...data.keys()]; }, dropEffect: "none", effectAllowed: "all",
    };
    await fireEvent.dragStart(item, { dataTransfer });
    const zone = document.querySelector("#pw-dropzone") as HTMLElement;
    await fireEvent.dragOver(zone, { dataTransfer });
    expect(screen.getByText("Drop to add to the pathway")).toBeTruthy();
    await fireEvent.drop(zone, { dataTransfer });
    await waitFor(() => expect(document.querySelector(`#pw-members li[data-id="${id}"]`)).not.toBeNull());
    expect(b.pathways[0].members).toEqual([id]);
  });

  it("finds the credentials to add with the core's search, members left out", async () => {
    const b = new MemoryBackend(10);
    await start(b);
    await newPathway("Find", "10");
    expect(document.querySelectorAll("#pw-candidates li")).toHaveLength(10);
    await fireEvent.input(screen.getByLabelText("Find a credential"), { target: { value: "WRITING hogeschool" } });
    await waitFor(() => expect(document.querySelectorAll("#pw-candidates li")).toHaveLength(1));
    const only = document.querySelector("#pw-candidates li") as HTMLElement;
    expect(only.textContent).toContain("Academic Writing in English");
    await fireEvent.click(within(only).getByRole("button"));
    await waitFor(() => expect(document.querySelector("#pw-candidates")).toBeNull());
    expect(b.pathways[0].members).toEqual([only.dataset.id]);
  });

  it("edits the goal, refuses an empty name, and deletes after confirmation", async () => {
    const b = new MemoryBackend(2);
    await start(b);
    await newPathway("Plan", "30");
    await fireEvent.click(screen.getByRole("button", { name: "Edit goal" }));
    await fireEvent.input(screen.getByLabelText("Target ECTS"), { target: { value: "12,5" } });
    await fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(screen.getByText("0 of 12.5 EC")).toBeTruthy());
    expect(b.pathways[0].draft.goal.ects).toBe(12.5);
    await fireEvent.click(screen.getByRole("button", { name: "Delete pathway" }));
    expect(b.pathways).toHaveLength(1);
    await fireEvent.click(within(screen.getByRole("alertdialog")).getByRole("button", { name: "Delete pathway" }));
    await screen.findByRole("heading", { level: 1, name: "Pathways" });
    expect(b.pathways).toHaveLength(0);
  });

  it("makes a pathway from a suggestion", async () => {
    const b = new MemoryBackend(6);
    await start(b);
    const sug = await screen.findByText("Hogeschool Proefstad (sample): stackable");
    expect(sug).toBeTruthy();
    await fireEvent.click(screen.getByRole("button", { name: "Make this pathway" }));
    await screen.findByRole("heading", { level: 1, name: "Hogeschool Proefstad (sample): stackable" });
    expect(b.pathways[0].members).toHaveLength(3);
  });

  it("requests an exemption: the form, then where the dossier went", async () => {
    const b = new MemoryBackend(4);
    await start(b);
    await newPathway("Minor", "15");
    await fireEvent.click(within(document.querySelector("#pw-candidates") as HTMLElement).getByRole("button", { name: "Add Sustainable Energy Systems" }));
    await waitFor(() => expect(screen.getByRole("button", { name: "Request exemption" }).hasAttribute("disabled")).toBe(false));
    await fireEvent.click(screen.getByRole("button", { name: "Request exemption" }));
    await screen.findByRole("heading", { level: 1, name: "Request an exemption" });
    expect(await screen.findByText("For pathway: Minor")).toBeTruthy();
    expect(document.querySelector("#ex-members")?.textContent).toBe("Sustainable Energy Systems");
    await fireEvent.input(screen.getByLabelText("Your name"), { target: { value: "Sam de Vries" } });
    await fireEvent.input(screen.getByLabelText("What do you ask?"), { target: { value: "Exemption for Energy Systems" } });
    await fireEvent.change(screen.getByLabelText("Language of the dossier"), { target: { value: "nl" } });
    await fireEvent.click(screen.getByRole("button", { name: "Save dossier" }));
    await screen.findByText("Dossier saved");
    const done = document.querySelector("#ex-done") as HTMLElement;
    expect(within(done).getByText("Dossier saved")).toBeTruthy();
    expect(done.textContent).toContain("/tmp/Documents/exemption-1/dossier.pdf");
    expect(b.dossiers[0]).toMatchObject({ learner: "Sam de Vries", request: "Exemption for Energy Systems", lang: "nl", verify: true });
  });
});
