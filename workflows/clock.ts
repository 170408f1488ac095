// The only place workflow code reads time. Inside the Temporal sandbox Date is replaced by the
// deterministic workflow clock (the time of the current workflow task), so replay sees the same
// values; funnelling it through here lets lint forbid every other clock read in workflows/**.
export const nowMs = (): number => Date.now();
export const nowIso = (): string => new Date(Date.now()).toISOString();
