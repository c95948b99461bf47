package io.mse.client.spring.web;

import io.mse.client.governance.TagContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Keeps the tag of an inbound servlet request, its {@value TagContext#HEADER} header, in
 * {@link TagContext} while the request is served on this thread (the filter chain, the controller,
 * and every blocking call made from it), and restores the previous value afterwards; a request
 * without the header (or with a blank one) is served with no tag. Async dispatches are filtered too,
 * so a request resumed on another container thread has its tag again. Stateless and thread-safe.
 */
public class MseTagServletFilter extends OncePerRequestFilter {

  /** Where the filter sits: early, before filters that may call other services. */
  public static final int ORDER = MseTagWebFilter.ORDER;

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String tag = request.getHeader(TagContext.HEADER);
    TagContext.Scope scope = TagContext.open(tag == null || tag.isBlank() ? null : tag);
    try {
      chain.doFilter(request, response);
    } finally {
      scope.close();
    }
  }

  /** Returns false: an async dispatch (a resumed request) is served with its tag too. */
  @Override
  protected boolean shouldNotFilterAsyncDispatch() {
    return false;
  }

  /** Returns false: an error dispatch is served with its tag too. */
  @Override
  protected boolean shouldNotFilterErrorDispatch() {
    return false;
  }
}
