/**
 * Styles for the Packs page, kept beside it (styles.css belongs to the shell). Only theme
 * variables are used, so light and dark follow the app.
 */
const css = `
.packs-layout { display: grid; grid-template-columns: 280px minmax(0, 1fr); gap: 20px; align-items: start; }
.packs-list { display: flex; flex-direction: column; gap: 8px; position: sticky; top: 0; }
.pack-card { display: grid; grid-template-columns: 52px minmax(0, 1fr); gap: 12px; align-items: center; text-align: left; padding: 10px; border-radius: var(--radius); border: 1px solid var(--border); background: var(--bg-elev); cursor: pointer; box-shadow: var(--shadow); }
.pack-card:hover { border-color: var(--accent); }
.pack-card.active { border-color: var(--accent); box-shadow: 0 0 0 3px var(--accent-soft); }
.pack-cover { width: 52px; height: 52px; border-radius: 8px; background: var(--bg-sunken); object-fit: cover; display: grid; place-items: center; color: var(--text-muted); overflow: hidden; }
.pack-cover img { width: 100%; height: 100%; object-fit: cover; }
.pack-card .name { font-weight: 600; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.pack-card .meta { font-size: 12px; color: var(--text-muted); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.pack-editor { display: flex; flex-direction: column; gap: 16px; min-width: 0; }
.pack-fields { display: grid; grid-template-columns: 120px minmax(0, 1fr) 120px minmax(0, 1fr); gap: 10px 14px; align-items: center; }
.pack-fields label { color: var(--text-muted); font-size: 13px; }
.pack-fields .wide { grid-column: 2 / span 3; }
.pack-fields textarea { min-height: 70px; resize: vertical; }
.pack-license { background: var(--bg-sunken); border-radius: var(--radius-sm); padding: 10px 12px; font-family: var(--mono); font-size: 11.5px; white-space: pre-wrap; max-height: 260px; overflow: auto; margin: 10px 0 0; }
.pack-assets { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; max-height: 460px; overflow-y: auto; }
.pack-asset { display: grid; grid-template-columns: 18px 44px minmax(0, 1.2fr) minmax(0, 1fr) auto auto; gap: 10px; align-items: center; padding: 6px 4px; border-top: 1px solid var(--border); }
.pack-asset:first-child { border-top: 0; }
.pack-asset.dragging { opacity: 0.4; }
.pack-asset.drop-before { box-shadow: inset 0 2px 0 var(--accent); }
.pack-asset .grip { cursor: grab; color: var(--text-muted); user-select: none; text-align: center; }
.pack-asset .thumb { width: 44px; height: 44px; border-radius: 6px; object-fit: cover; background: var(--bg-sunken); display: grid; place-items: center; font-size: 10px; color: var(--text-muted); text-transform: uppercase; overflow: hidden; }
.pack-asset .thumb img { width: 100%; height: 100%; object-fit: cover; }
.pack-asset .fname { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.pack-asset .sub { font-size: 12px; color: var(--text-muted); }
.pack-asset input { width: 100%; font-size: 13px; padding: 5px 8px; }
.pill { display: inline-block; font-size: 11px; padding: 1px 8px; border-radius: 999px; background: var(--bg-sunken); color: var(--text-muted); }
.pill.approved { background: color-mix(in srgb, var(--ok) 16%, transparent); color: var(--ok); }
.pill.rejected, .pill.missing { background: color-mix(in srgb, var(--bad) 14%, transparent); color: var(--bad); }
.pill.pending { background: color-mix(in srgb, var(--warn) 16%, transparent); color: var(--warn); }
.pack-issues { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 6px; }
.pack-issue { display: grid; grid-template-columns: 18px minmax(0, 1fr) auto; gap: 10px; align-items: start; padding: 8px 10px; border-radius: var(--radius-sm); background: var(--bg-sunken); }
.pack-issue .sev { width: 10px; height: 10px; border-radius: 50%; margin-top: 5px; }
.pack-issue .sev.error { background: var(--bad); } .pack-issue .sev.warning { background: var(--warn); } .pack-issue .sev.info { background: var(--text-muted); }
.pack-issue.accepted { opacity: 0.55; }
.pack-export-row { display: flex; flex-wrap: wrap; gap: 10px; align-items: center; }
.pack-bar { height: 6px; border-radius: 3px; background: var(--bg-sunken); overflow: hidden; margin: 10px 0 4px; }
.pack-bar > span { display: block; height: 100%; background: var(--accent); transition: width 0.25s linear; }
.pack-history { list-style: none; margin: 0; padding: 0; }
.pack-history li { display: grid; grid-template-columns: 10px minmax(0, 1fr) auto; gap: 10px; align-items: center; padding: 8px 0; border-top: 1px solid var(--border); }
.pack-history li:first-child { border-top: 0; }
.pack-history .dot-completed { background: var(--ok); } .pack-history .dot-failed { background: var(--bad); } .pack-history .dot-cancelled { background: var(--warn); } .pack-history .dot-running { background: var(--accent); }
.pack-dialog-backdrop { position: fixed; inset: 0; background: rgba(0,0,0,0.35); display: grid; place-items: center; z-index: 40; }
.pack-dialog { width: min(820px, 92vw); max-height: 86vh; display: flex; flex-direction: column; gap: 12px; }
.pack-picker { display: grid; grid-template-columns: repeat(auto-fill, minmax(110px, 1fr)); gap: 8px; overflow-y: auto; max-height: 52vh; padding: 2px; }
.pack-pick { position: relative; border: 2px solid transparent; border-radius: 8px; background: var(--bg-sunken); padding: 0; cursor: pointer; aspect-ratio: 1; overflow: hidden; display: grid; place-items: center; color: var(--text-muted); font-size: 11px; }
.pack-pick img { width: 100%; height: 100%; object-fit: cover; }
.pack-pick.on { border-color: var(--accent); }
.pack-pick .cap { position: absolute; left: 0; right: 0; bottom: 0; font-size: 10.5px; padding: 2px 4px; background: rgba(0,0,0,0.5); color: white; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.pack-pick.in { opacity: 0.45; cursor: default; }
/* Layout at narrow windows: a slimmer pack list, and the form's label/field pairs in one column
   pair once the editor is under 700 px (at 1024×700 four columns left each field ~130 px). */
.pack-editor { container-type: inline-size; }
@media (max-width: 1100px) { .packs-layout { grid-template-columns: 220px minmax(0, 1fr); gap: 16px; } }
@container (max-width: 700px) {
  .pack-fields { grid-template-columns: 96px minmax(0, 1fr); }
  .pack-fields > * { grid-column: auto !important; }
}
.pack-fix { white-space: nowrap; }
.pack-issue-actions { justify-content: flex-end; }
.pack-export-go { margin-top: 12px; }
.pack-export-reason { color: var(--warn); font-size: 13px; }
.pack-include { margin-top: 10px; gap: 6px 18px; }
.pack-version-bump { margin-top: 10px; }
.pack-version-bump input.grow { flex: 1 1 220px; min-width: 0; }
.pack-note { font-size: 12.5px; margin: 6px 0; }
.pack-license-editor { display: flex; flex-direction: column; gap: 8px; margin-top: 10px; }
.pack-license-editor textarea { width: 100%; min-height: 220px; font-size: 12px; resize: vertical; }
.pack-rename { background: var(--bg-sunken); border-radius: var(--radius-sm); padding: 10px 12px; margin-bottom: 10px; }
.pack-rename input.grow { flex: 1 1 200px; min-width: 0; }
.pack-marketing { list-style: none; margin: 0; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(96px, 1fr)); gap: 8px; }
.pack-mk { display: flex; flex-direction: column; gap: 4px; }
.pack-mk-pick { position: relative; aspect-ratio: 1; border: 2px solid transparent; border-radius: 8px; background: var(--bg-sunken); padding: 0; overflow: hidden; cursor: pointer; display: grid; place-items: center; color: var(--text-muted); font-size: 11px; }
.pack-mk-pick img { width: 100%; height: 100%; object-fit: contain; }
.pack-mk.in-collage .pack-mk-pick { border-color: var(--accent-soft); }
.pack-mk.hero .pack-mk-pick { border-color: var(--accent); }
.pack-mk-badge { position: absolute; top: 4px; left: 4px; font-size: 10.5px; padding: 1px 6px; border-radius: 999px; background: var(--accent); color: white; }
.pack-mk-collage { font-size: 12px; color: var(--text-muted); }
.pack-history a.button { text-decoration: none; }
section[aria-label="Export"] > .card-header { gap: 16px; }
`;

export function PackStyles() {
  return <style>{css}</style>;
}
