export { NotificationLog, receiverString, stateKey, isFiringSubset, isResolvedSubset, type NflogEntry, type NflogReceiver, type NflogOptions } from './nflog.js';
export { encodeNflogSnapshot, decodeNflogSnapshot } from './codec.js';
