/**
 * Styles for the jobs UI, kept beside it (styles.css belongs to the shell). Only theme variables
 * are used, so light and dark follow the app.
 */
const css = `
.jobs-layout { display: grid; grid-template-columns: minmax(0, 1fr) minmax(300px, 400px); gap: 16px; align-items: start; }
.jobs-tabs { display: flex; gap: 4px; flex-wrap: wrap; margin-bottom: 12px; }
.jobs-tab { border: 1px solid var(--border); background: var(--bg-elev); border-radius: 999px; padding: 4px 12px; cursor: pointer; color: var(--text-muted); }
.jobs-tab.active { background: var(--accent-soft); color: var(--text); border-color: var(--accent); }
.jobs-tab .n { margin-left: 6px; font-variant-numeric: tabular-nums; opacity: 0.8; }
.jobs-list { height: calc(100vh - 190px); min-height: 240px; overflow-y: auto; position: relative; contain: strict; background: var(--bg-elev); border: 1px solid var(--border); border-radius: var(--radius); box-shadow: var(--shadow); }
.jobs-row { position: absolute; left: 0; right: 0; height: 60px; display: grid; grid-template-columns: 22px minmax(0, 1fr) auto; gap: 10px; align-items: center; padding: 0 14px; border-bottom: 1px solid var(--border); cursor: pointer; contain: strict; }
.jobs-row-text { min-width: 0; }
.jobs-row:hover { background: var(--bg-sunken); }
.jobs-row.selected { background: var(--accent-soft); }
.jobs-row .title { font-weight: 550; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.jobs-row .sub { font-size: 12px; color: var(--text-muted); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.jobs-bar { height: 5px; border-radius: 3px; background: var(--bg-sunken); overflow: hidden; margin-top: 5px; }
/* scaleX, not width: the compositor animates it, so bars moving never lay out or repaint the page. */
.jobs-bar > span { display: block; height: 100%; background: var(--accent); transform-origin: left center; transition: transform 0.25s linear; }
.jobs-bar.failed > span { background: var(--bad); }
.jobs-bar.completed > span { background: var(--ok); }
.jobs-status { width: 10px; height: 10px; border-radius: 50%; background: var(--text-muted); opacity: 0.6; }
.jobs-status.running { background: var(--accent); opacity: 1; box-shadow: 0 0 0 3px var(--accent-soft); }
.jobs-status.completed { background: var(--ok); opacity: 1; }
.jobs-status.failed { background: var(--bad); opacity: 1; }
.jobs-status.cancelled { background: var(--warn); opacity: 0.8; }
.jobs-row-actions { display: flex; gap: 2px; }
.jobs-detail { position: sticky; top: 0; }
.jobs-detail h2 { word-break: break-word; }
.jobs-log { background: var(--bg-sunken); border-radius: var(--radius-sm); padding: 8px 10px; max-height: 260px; overflow: auto; font-family: var(--mono); font-size: 11.5px; line-height: 1.5; white-space: pre-wrap; word-break: break-all; margin: 0; }
.jobs-log .warn { color: var(--warn); } .jobs-log .error { color: var(--bad); } .jobs-log .debug { opacity: 0.7; }
.jobs-error { color: var(--bad); background: color-mix(in srgb, var(--bad) 10%, transparent); border-radius: var(--radius-sm); padding: 8px 10px; margin: 8px 0; word-break: break-word; }
.jobs-actions { display: flex; flex-wrap: wrap; gap: 6px; margin: 12px 0; }
.jobs-children { list-style: none; padding: 0; margin: 0; display: flex; flex-direction: column; gap: 6px; }
.jobs-children li { display: grid; grid-template-columns: 12px minmax(0, 1fr) 44px; gap: 8px; align-items: center; font-size: 12.5px; }
.jobs-indicator { margin: 8px 4px 0; padding: 8px 10px; border-radius: var(--radius-sm); background: var(--bg-elev); box-shadow: var(--shadow); border: 0; text-align: left; cursor: pointer; font-size: 12px; color: var(--text-muted); display: block; width: calc(100% - 8px); }
.jobs-indicator strong { color: var(--text); font-weight: 550; }
.jobs-indicator .jobs-bar { margin-top: 6px; }
.jobs-menu { display: flex; flex-direction: column; gap: 8px; }
.jobs-menu .row { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
.jobs-menu select, .jobs-menu input, .engines-panel input, .engines-panel select { background: var(--bg-elev); border: 1px solid var(--border); border-radius: var(--radius-sm); padding: 5px 8px; }
.engines-table { width: 100%; border-collapse: collapse; }
.engines-table td, .engines-table th { text-align: left; padding: 8px 6px; border-bottom: 1px solid var(--border); vertical-align: top; }
.engines-table th { font-weight: 550; color: var(--text-muted); font-size: 12px; }
.engines-problem { color: var(--bad); font-size: 12px; }
.engines-override { display: flex; gap: 6px; margin-top: 6px; }
.engines-override input { flex: 1; min-width: 0; font-family: var(--mono); font-size: 12px; }
.jobs-telemetry { margin-top: 10px; display: flex; flex-direction: column; gap: 6px; }
.jobs-preview { width: 100%; max-width: 320px; border-radius: var(--radius-sm); background: var(--bg-sunken); image-rendering: auto; }
.jobs-metrics { font-size: 12.5px; font-variant-numeric: tabular-nums; }
.jobs-spark { display: block; background: var(--bg-sunken); border-radius: var(--radius-sm); }
.jobs-segment-strip { display: flex; flex-wrap: wrap; gap: 3px; margin-top: 4px; }
.jobs-segment { width: 12px; height: 12px; border-radius: 3px; background: var(--bg-sunken); border: 1px solid var(--border); }
.jobs-segment.completed { background: var(--ok); border-color: var(--ok); }
.jobs-segment.running { background: var(--accent); border-color: var(--accent); }
.jobs-segment.failed { background: var(--bad); border-color: var(--bad); }
.jobs-segment.cancelled { background: var(--warn); border-color: var(--warn); }
@media (max-width: 980px) { .jobs-layout { grid-template-columns: 1fr; } .jobs-detail { position: static; } }
`;

/** Rendered by each jobs component; React hoists it into <head> once (by href), however many render it. */
export function JobsStyles() {
  return (
    <style href="atelier-jobs" precedence="default">
      {css}
    </style>
  );
}
