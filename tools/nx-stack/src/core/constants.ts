/** Tag of every inferred service project (kept free of runtime imports: the graph code loads it). */
export const SERVICE_TAG = 'type:service';
