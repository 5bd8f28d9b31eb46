/** The commands of `watchfire tool`; each registers itself here. */
import './tool-check-config.js';
import './tool-tsdb.js';
import './tool-rules.js';
import './tool-alertmanager.js';
import './tool-alertmanager-remote.js';
import './tool-alertmanager-receivers.js';
import './tool-promql.js';
