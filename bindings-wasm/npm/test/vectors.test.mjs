// Every conformance vector of tests/vectors, run through the Node entry (node:crypto backend).
import { Client, acknowledgement } from '../src/index.js';
import { vectorSuite } from './vectors-helpers.mjs';

vectorSuite({ Client, acknowledgement }, 'node');
