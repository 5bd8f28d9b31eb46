export { RefreshDiscoverer, type RefreshFunc, type RefreshOptions } from './refresh.js';
export { sleepUnlessAborted } from './sleep.js';
export { Ticker } from './ticker.js';
export { RefreshMetrics, type RefreshInstance } from './metrics.js';
export { parseXML, child, children, childText, innerXML, escapeXML, XMLSyntaxError, type XMLElement } from './xml.js';
export { sanitizeLabelName, joinHostPort, surroundJoin } from './meta-labels.js';
