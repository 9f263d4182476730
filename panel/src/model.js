// The bridge's members, tokens and league-chat object as the panel's model holds them (pure: no DOM,
// no clock). Part of the reducer (reducer.js), kept apart to keep files small.

export const str = (v, fallback = '') => (typeof v === 'string' ? v : v == null ? fallback : String(v));
export const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

const optStr = (value) => (value == null ? null : str(value));

/** Every pick: ours in `selections` (names, outcome), peers[] in `skin_selections`, Rose's own
 * peers in `skin_selection` (one). */
function picksFrom(raw) {
  let list = Array.isArray(raw.selections) ? raw.selections : raw.skin_selections;
  if (!Array.isArray(list)) list = raw.skin_selection && typeof raw.skin_selection === 'object' ? [raw.skin_selection] : [];
  return list
    .filter((s) => s && typeof s === 'object')
    .map((s) => ({
      championId: num(s.champion_id),
      championName: optStr(s.champion_name),
      skinId: num(s.skin_id),
      skinName: optStr(s.skin_name),
      chromaId: num(s.chroma_id),
      chromaName: optStr(s.chroma_name),
      customMod: optStr(s.custom_mod),
      skinInstalled: typeof s.skin_installed === 'boolean' ? s.skin_installed : null,
      injection: optStr(s.injection),
      injectionDetail: optStr(s.injection_detail),
    }));
}

/** One member of party-state (`members[]`, or Rose's old `peers[]`) as the panel shows it. */
export function memberFrom(raw) {
  const status = str(raw.status, raw.connected ? 'direct' : raw.connection_state || 'connecting');
  const sel = raw.skin_selection && typeof raw.skin_selection === 'object' ? raw.skin_selection : {};
  const pick = (key) => (raw[key] !== undefined ? raw[key] : sel[key]);
  return {
    key: str(raw.puuid || raw.summoner_id),
    summonerId: num(raw.summoner_id),
    riotId: str(raw.riot_id || raw.summoner_name, 'Unknown player'),
    status,
    statusText: str(raw.status_text, status),
    via: raw.via == null ? null : str(raw.via),
    rttMs: num(raw.rtt_ms),
    championId: num(pick('champion_id')),
    championName: raw.champion_name == null ? null : str(raw.champion_name),
    skinId: num(pick('skin_id')),
    skinName: raw.skin_name == null ? null : str(raw.skin_name),
    chromaId: num(pick('chroma_id')),
    chromaName: raw.chroma_name == null ? null : str(raw.chroma_name),
    customMod: pick('custom_mod') == null ? null : str(pick('custom_mod')),
    skinInstalled: typeof raw.skin_installed === 'boolean' ? raw.skin_installed : null,
    injection: raw.injection == null ? null : str(raw.injection),
    injectionDetail: raw.injection_detail == null ? null : str(raw.injection_detail),
    inLobby: raw.in_lobby === true,
    onTeam: raw.on_team === true,
    verified: raw.verified === true,
    picks: picksFrom(raw), // every pick, first first (Swiftplay: two)
  };
}

/** party-state.league_chat as the panel shows it; null when the bridge has none. */
export function leagueChatFrom(raw) {
  if (!raw || typeof raw !== 'object') return null;
  const friends = Array.isArray(raw.remembered) ? raw.remembered : [];
  return {
    available: raw.available === true,
    enabled: raw.enabled === true,
    explained: raw.explained === true,
    running: raw.running === true,
    auto: raw.auto === true,
    problem: typeof raw.problem === 'string' && raw.problem ? raw.problem : null,
    remembered: friends
      .filter((f) => f && typeof f.puuid === 'string' && f.puuid)
      .map((f) => ({ puuid: f.puuid, name: str(f.name, 'Unknown player'), linkedAt: num(f.linked_at) })),
  };
}

/** A token {token, expiresAt} from the bridge, or null. */
export function tokenFrom(token, expiresAt) {
  return typeof token === 'string' && token ? { token, expiresAt: num(expiresAt) } : null;
}

/** The newest token of one kind from `pending` (our bridge before my_answer existed). */
export function newestPending(pending, kind) {
  if (!Array.isArray(pending)) return null;
  const found = pending
    .filter((p) => p && p.kind === kind)
    .map((p) => tokenFrom(p.token, p.expires_at))
    .filter(Boolean);
  return found.length ? found[found.length - 1] : null;
}
